import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { safeFetch } from '../../platform/net/safe-fetch.js';
import { PLAN_LIMITS, type Plan } from '../../platform/plans.js';
import { consume, nextUtcMidnight, SKILL_METRIC, usedToday } from '../../platform/usage.js';
import type { Listing } from '../marketplace/service.js';
import { runInSandbox } from './sandbox/index.js';
import * as repo from './repo.js';

export interface ExecutionOutcome { execution_id: string; status: 'completed' | 'failed'; output: unknown; error: string | null; duration_ms: number }

/** Counts the run against the plan's daily skill executions (the same counter agents' tool calls use). */
async function consumeQuota(ctx: AppContext, tenantId: string, plan: Plan) {
  const limit = PLAN_LIMITS[plan].dailySkillExecutions;
  if (await consume(ctx.db.as(tenantId), tenantId, SKILL_METRIC, limit)) return;
  const used = await usedToday(ctx.db.as(tenantId), tenantId, SKILL_METRIC);
  throw new AppError('SKILL_LIMIT_EXCEEDED', `Daily skill execution limit of ${limit} reached`, { limit, used, plan, resets_at: nextUtcMidnight().toISOString() });
}

async function callApi(ctx: AppContext, endpoint: string, input: unknown, idempotencyKey: string): Promise<unknown> {
  const res = await safeFetch(endpoint, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body: JSON.stringify(input ?? {}),
    timeoutMs: 10_000, allowLoopback: ctx.config.allowInsecureWebhooks,
  });
  const text = res.body.toString('utf8');
  if (res.status >= 400) throw new Error(`Skill endpoint answered HTTP ${res.status}`);
  try { return JSON.parse(text); } catch { return text; }
}

/**
 * Runs one skill by type; types that need a container runtime are refused with a clear error.
 * The call's idempotency key reaches a function skill as `env.idempotency_key` and an api skill as
 * the `Idempotency-Key` header, so a call repeated after a crash can be recognised by the skill.
 */
async function dispatch(ctx: AppContext, l: Listing, input: unknown, env: Record<string, string>, idempotencyKey: string): Promise<{ ok: boolean; output: unknown; error: string | null }> {
  const content = l.content as { code?: string | null; endpoint?: string | null };
  if (l.subtype === 'function') {
    if (!content.code) return { ok: false, output: null, error: 'Skill has no code' };
    const r = await runInSandbox(content.code, input, { ...env, idempotency_key: idempotencyKey });
    return r.ok ? { ok: true, output: r.output, error: null } : { ok: false, output: null, error: r.error };
  }
  if (l.subtype === 'api') {
    if (!content.endpoint) return { ok: false, output: null, error: 'Skill has no endpoint' };
    try { return { ok: true, output: await callApi(ctx, content.endpoint, input, idempotencyKey), error: null }; }
    catch (e) { return { ok: false, output: null, error: e instanceof Error ? e.message : String(e) }; }
  }
  throw new AppError('SKILL_TYPE_NOT_EXECUTABLE', `Skills of type '${l.subtype}' are stored but cannot be executed on this server; only 'function' and 'api' skills run here`, { skill_type: l.subtype, executable_types: ['function', 'api'] });
}

/**
 * Runs a skill and keeps a durable record of the run. `quota: 'consume'` counts it against the daily
 * limit (direct runs); agents' tool calls were counted when the execution journal recorded the call.
 * A direct run's idempotency key is its own run id; an agent's tool call brings the journal's.
 */
export async function executeSkill(ctx: AppContext, tenantId: string, plan: Plan, l: Listing, input: unknown, env: Record<string, string>, run: { quota: 'consume' | 'counted'; idempotencyKey?: string }): Promise<ExecutionOutcome> {
  if (run.quota === 'consume') await consumeQuota(ctx, tenantId, plan);
  const id = newId('sxe');
  const started = Date.now();
  const r = await dispatch(ctx, l, input, env, run.idempotencyKey ?? id);
  const out: ExecutionOutcome = { execution_id: id, status: r.ok ? 'completed' : 'failed', output: r.output, error: r.error, duration_ms: Date.now() - started };
  await repo.insertExecution(ctx.db.as(tenantId), tenantId, { id: out.execution_id, listingId: l.id, status: out.status, durationMs: out.duration_ms, error: out.error });
  return out;
}
