import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as agents from '../agents/queries.js';
import { recordFinishedRun } from '../executions/service.js';
import { classifyTask, decide, type Maturity } from '../governance/policy.js';
import { actionTable } from '../governance/service.js';
import type { CanvasRow, InstalledRow } from './repo.js';
import * as repo from './repo.js';

const iso = (d: Date | string) => new Date(d).toISOString();

export function canvasView(c: CanvasRow, installed: InstalledRow[]) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    layout: c.layout,
    components: installed.map((i) => ({
      install_id: i.id,
      component_id: i.listing_id,
      name: i.component_name,
      version_id: i.version_id,
      config: i.config,
      skill_id: i.skill_id,
      installed_at: iso(i.created_at),
    })),
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

export interface CanvasRun {
  agent_id: string;
  task?: string;
  status?: 'completed' | 'failed';
  result?: Record<string, unknown>;
  error?: string;
  components_used?: string[];
}

/**
 * Canvases as tenant objects, and the record of an agent running one (an execution with source `canvas` and its
 * episode).
 */
export function canvasesService(ctx: AppContext) {
  const load = async (tenantId: string, id: string) => {
    const db = ctx.db.as(tenantId);
    const c = await repo.getCanvas(db, tenantId, id);
    if (!c) throw notFound('CANVAS_NOT_FOUND', 'Canvas', id);
    return { canvas: c, installed: await repo.installedIn(db, tenantId, id) };
  };
  return {
    load,
    async create(
      tenantId: string,
      createdBy: string | null,
      b: { name: string; description?: string; layout?: Record<string, unknown> },
    ) {
      return ctx.db.tx(tenantId, async (ex) => {
        const c = await repo.insertCanvas(ex, tenantId, {
          id: newId('cnv'),
          name: b.name,
          description: b.description ?? '',
          layout: b.layout ?? {},
          createdBy,
        });
        await ctx.outbox.emit(ex, tenantId, 'canvas.created', { canvas_id: c.id, name: c.name });
        return c;
      });
    },
    list: (tenantId: string, limit: number, offset: number) =>
      repo.listCanvases(ctx.db.as(tenantId), tenantId, limit, offset),

    /**
     * Records a finished canvas run by an agent of this tenant: the execution (source `canvas`, context
     * `canvas_id`) and, through the executions module's `recordFinishedRun`, the agent's episode and `agent.executed`.
     */
    async recordExecution(tenantId: string, requestedBy: string | null, canvasId: string, run: CanvasRun) {
      const { canvas, installed } = await load(tenantId, canvasId);
      const agent = await agents.getAgent(ctx.db.as(tenantId), tenantId, run.agent_id);
      if (!agent) throw notFound('AGENT_NOT_FOUND', 'Agent', run.agent_id);
      if (agent.status !== 'active')
        throw new AppError('GOVERNANCE_DENIED', `Agent is ${agent.status} and cannot act`, {
          reason: `Agent status is ${agent.status}`,
        });
      const task = run.task ?? `Run canvas ${canvas.name}`;
      const { action, complexity } = classifyTask(task, await actionTable(ctx, tenantId));
      // The run happened on the canvas, outside the server's gate: what governance would have said is kept as a
      // violation.
      const d = decide(agent.maturity_level as Maturity, action, complexity);
      const violations =
        d.outcome === 'allow'
          ? []
          : [
              {
                action,
                tool: null,
                severity: d.outcome === 'deny' ? ('high' as const) : ('medium' as const),
                reason: d.outcome === 'deny' ? d.reason : `Ran without the required approval: ${d.reason}`,
              },
            ];
      const used = run.components_used ?? installed.map((i) => i.listing_id);
      const status = run.status ?? 'completed';
      return ctx.db.tx(tenantId, (ex) =>
        recordFinishedRun(
          ctx,
          ex,
          tenantId,
          {
            id: newId('exe'),
            agent_id: agent.id,
            task,
            context: { canvas_id: canvas.id },
            parameters: { components_used: used },
            source: 'canvas',
            action,
            complexity,
            maturity_at_start: agent.maturity_level,
            requestedBy,
          },
          {
            status,
            result: run.result ?? null,
            error: status === 'failed' ? (run.error ?? 'Canvas execution failed') : null,
            confidence: null,
            trace: [{ step: 1, type: 'canvas', canvas_id: canvas.id, components: used }],
            toolsUsed: used,
            violations,
          },
        ),
      );
    },
  };
}
