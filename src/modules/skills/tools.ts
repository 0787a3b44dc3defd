import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import type { Plan } from '../../platform/plans.js';
import type { ToolDef, ToolProvider } from '../../platform/tools.js';
import * as repo from './repo.js';
import { skillsService } from './service.js';

/** Tool names the LLM sees: stable, unique per listing, [a-zA-Z0-9_]. */
export const toolName = (listingId: string) => `skill_${listingId.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** Skill types executor.ts runs; `script`, `docker` and `container` skills are stored only. */
const EXECUTABLE = new Set(['function', 'api']);

/** Offers a tenant's installed skills (and its own private ones) to agents as tools. */
export function skillToolProvider(ctx: AppContext): ToolProvider {
  const skills = skillsService(ctx);
  return {
    source: 'skills',
    async listTools(tenantId) {
      const rows = await repo.runnableSkills(ctx.db.as(SYSTEM), tenantId);
      // Only the types this server can execute are offered: an agent could never run the others.
      return rows
        .filter((r) => EXECUTABLE.has(r.subtype as string))
        .map((r): ToolDef => {
          const content = r.content as { input_schema?: Record<string, unknown>; high_risk?: boolean; action?: string };
          return {
            name: toolName(r.id as string),
            title: r.name as string,
            description: `${r.name}: ${r.description}`.slice(0, 1000),
            tags: (r.tags as string[] | null) ?? [],
            input_schema:
              content.input_schema && Object.keys(content.input_schema).length
                ? content.input_schema
                : { type: 'object' },
            // A skill may declare its governance action; undeclared, it is treated as `execute` (level 4).
            action: typeof content.action === 'string' ? content.action : 'execute',
            high_risk: content.high_risk === true,
            source: 'skills',
            ref: r.id as string,
          };
        });
    },
    async callTool(call) {
      const plan =
        call.plan ??
        (await ctx.db.query<{ plan: Plan }>(SYSTEM, 'SELECT plan FROM tenants WHERE id = $1', [call.tenantId]))[0]
          ?.plan;
      try {
        const r = await skills.executeAsTool(
          { tenantId: call.tenantId, plan: plan ?? 'free', rater: call.tenantId },
          call.tool.ref,
          call.args,
          call.idempotencyKey,
          call.deferRecord,
        );
        return {
          ok: r.status === 'completed',
          output: r.output,
          ...(r.error ? { error: r.error } : {}),
          ...(r.record ? { record: r.record } : {}),
        };
      } catch (e) {
        if (e instanceof AppError) return { ok: false, output: null, error: `${e.code}: ${e.message}` };
        throw e;
      }
    },
  };
}
