import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { SYSTEM } from '../../platform/db/index.js';
import { executeSkill } from './executor.js';
import * as repo from './repo.js';
import { marketplaceEngine, type Caller, type Listing } from '../marketplace/service.js';
import { SKILL_TYPES } from './schemas.js';

export function toSummary(l: Listing) {
  return {
    id: l.id, name: l.name, description: l.description, category: l.category, skill_type: l.subtype, price: l.price,
    rating: l.rating, rating_count: l.rating_count, installs: l.installs, tags: l.tags, is_approved: l.status === 'approved', created_at: l.created_at,
  };
}

export function assertSkillType(t: string): void {
  if (!(SKILL_TYPES as readonly string[]).includes(t)) {
    throw new AppError('INVALID_ENUM_VALUE', `skill_type must be one of ${SKILL_TYPES.join(', ')}`, { field: 'skill_type', allowed_values: SKILL_TYPES });
  }
}

export interface NewSkill {
  name: string; description?: string; skill_type: string; input_schema?: object; output_schema?: object; config?: object;
  config_schema?: Record<string, unknown>; code?: string; packages?: string[]; high_risk?: boolean; endpoint?: string; dependencies?: string[]; category?: string; tags?: string[];
}

/** Skill rules over the generic engine: a private skill is a private listing; publishing copies it to a public one. */
export function skillsService(ctx: AppContext) {
  const engine = marketplaceEngine(ctx, 'skill');
  const runnable = async (tenantId: string, id: string) => {
    const rows = await repo.runnableSkills(ctx.db.as(SYSTEM), tenantId);
    if (!rows.some((r) => r.id === id)) throw new AppError('SKILL_NOT_FOUND', `Skill ${id} is not installed in this tenant`, { skill_id: id });
    return engine.visible(tenantId, id);
  };
  return {
    engine,
    /** Direct execution of an installed (or own private) skill, counted against dailySkillExecutions. */
    async execute(caller: Caller, id: string, input: unknown) {
      return executeSkill(ctx, caller.tenantId, caller.plan, await runnable(caller.tenantId, id), input);
    },
    createPrivate(caller: Caller, s: NewSkill) {
      assertSkillType(s.skill_type);
      return engine.publish(caller, {
        source_id: null, name: s.name, description: s.description ?? '', long_description: '', category: s.category ?? 'general',
        subtype: s.skill_type, tags: s.tags ?? [], price: 0, documentation_url: null, marketplace_type: 'private',
        content: { code: s.code ?? null, endpoint: s.endpoint ?? null, input_schema: s.input_schema ?? {}, output_schema: s.output_schema ?? {}, config: s.config ?? {}, packages: s.packages ?? [], high_risk: s.high_risk ?? false },
        config_schema: s.config_schema ?? null, dependencies: s.dependencies ?? [],
      });
    },
    /** Public-API submission: a new public listing straight from the body, pending review. */
    submit(caller: Caller, s: NewSkill & { long_description?: string; price?: number; documentation_url?: string }) {
      assertSkillType(s.skill_type);
      return engine.publish(caller, {
        source_id: null, name: s.name, description: s.description ?? '', long_description: s.long_description ?? '', category: s.category ?? 'general',
        subtype: s.skill_type, tags: s.tags ?? [], price: s.price ?? 0, documentation_url: s.documentation_url ?? null, marketplace_type: 'public',
        content: { code: s.code ?? null, endpoint: s.endpoint ?? null, input_schema: s.input_schema ?? {}, output_schema: s.output_schema ?? {}, config: s.config ?? {}, packages: s.packages ?? [], high_risk: s.high_risk ?? false },
        config_schema: s.config_schema ?? null, dependencies: s.dependencies ?? [],
      });
    },
    async publish(caller: Caller, b: { skill_id: string; price?: number; category?: string; tags?: string[]; long_description?: string; documentation_url?: string }) {
      const src = await engine.owned(caller.tenantId, b.skill_id);
      return engine.publish(caller, {
        source_id: src.id, name: src.name, description: src.description, long_description: b.long_description ?? '',
        category: b.category ?? src.category, subtype: src.subtype, tags: b.tags ?? src.tags, price: b.price ?? 0,
        documentation_url: b.documentation_url ?? null, marketplace_type: 'public', content: src.content,
        config_schema: src.config_schema, dependencies: src.dependencies,
      });
    },
  };
}
