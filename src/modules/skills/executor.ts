import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { safeFetch } from '../../platform/net/safe-fetch.js';
import type { Plan } from '../../platform/plans.js';
import { traceSkillRun } from '../../platform/tracing/index.js';
import { consumeSkillRun } from '../../platform/usage.js';
import type { Listing } from '../marketplace/service.js';
import { declaredIntegrations, grantsFor, type IntegrationGrant, redactSecrets } from './integrations.js';
import * as repo from './repo.js';
import { runInSandbox, type SandboxResult, type SandboxTenancy, sandboxAdmits } from './sandbox/index.js';

export interface ExecutionOutcome {
  execution_id: string;
  status: 'completed' | 'failed';
  output: unknown;
  error: string | null;
  duration_ms: number;
  /** With `deferRecord`: the run's record in skill_executions, for the caller to write in its transaction. */
  record?: (ex: Executor) => Promise<void>;
}
/** What running a skill reads of its listing. */
type RunnableSkill = Pick<Listing, 'id' | 'subtype' | 'content'>;
type Dispatched = { ok: boolean; output: unknown; error: string | null; code?: string };

/** The tenant's share of the sandbox pool, from the configuration. */
const tenancyOf = (ctx: AppContext, tenantId: string): SandboxTenancy => ({
  tenant: tenantId,
  workers: ctx.config.sandboxWorkers,
  maxActive: ctx.config.sandboxTenantActive,
  maxQueued: ctx.config.sandboxTenantQueue,
});

function sandboxBusy(ctx: AppContext, message: string, retryAfterS: number): AppError {
  return new AppError(
    'SANDBOX_BUSY',
    message,
    {
      retry_after_seconds: retryAfterS,
      max_active: ctx.config.sandboxTenantActive,
      max_queued: ctx.config.sandboxTenantQueue,
    },
    { 'retry-after': String(retryAfterS) },
  );
}

/** A failure the pool or a limit decided carries its code in front, as agents' tool errors do (`SKILL_TIMEOUT: …`). */
function fromSandbox(ctx: AppContext, r: SandboxResult): Dispatched {
  if (r.ok) return { ok: true, output: r.output, error: null };
  if (r.code === 'SANDBOX_BUSY') throw sandboxBusy(ctx, r.error, r.retry_after_s ?? 2);
  return {
    ok: false,
    output: null,
    error: r.code ? `${r.code}: ${r.error}` : r.error,
    ...(r.code ? { code: r.code } : {}),
  };
}

/** An api skill's answer is held to the same output limit as a function skill's. */
function capped(ctx: AppContext, output: unknown): Dispatched {
  const bytes = Buffer.byteLength(JSON.stringify(output ?? null));
  const max = ctx.config.skillOutputMaxBytes;
  if (bytes <= max) return { ok: true, output, error: null };
  return {
    ok: false,
    output: null,
    error: `SKILL_OUTPUT_TOO_LARGE: Skill output is ${bytes} bytes of JSON; the limit is ${max}`,
    code: 'SKILL_OUTPUT_TOO_LARGE',
  };
}

/** Counts the run against the plan's daily skill executions (the same counter agents' tool calls use). */
async function consumeQuota(ctx: AppContext, tenantId: string, plan: Plan) {
  const refusal = await consumeSkillRun(ctx.db.as(tenantId), tenantId, plan);
  if (refusal) throw refusal;
}

/**
 * The integration headers of an api skill's request: one `X-Integration-Token-<provider>` per declared
 * provider, and `Authorization: Bearer <token>` when it declares exactly one (so the endpoint may be
 * the provider's own API). With several, no Authorization header: it could only carry one of them.
 */
function integrationHeaders(grants: Record<string, IntegrationGrant>): Record<string, string> {
  const entries = Object.entries(grants);
  const headers: Record<string, string> = Object.fromEntries(
    entries.map(([p, g]) => [`x-integration-token-${p}`, g.access_token]),
  );
  if (entries.length === 1) headers.authorization = `Bearer ${entries[0][1].access_token}`;
  return headers;
}

async function callApi(
  ctx: AppContext,
  endpoint: string,
  input: unknown,
  idempotencyKey: string,
  grants: Record<string, IntegrationGrant>,
): Promise<unknown> {
  const res = await safeFetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...integrationHeaders(grants) },
    body: JSON.stringify(input ?? {}),
    timeoutMs: 10_000,
    allowLoopback: ctx.config.allowInsecureWebhooks,
  });
  const text = res.body.toString('utf8');
  if (res.status >= 400) throw new Error(`Skill endpoint answered HTTP ${res.status}`);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Runs one skill by type; types that need a container runtime are refused with a clear error.
 * The call's idempotency key reaches a function skill as `env.idempotency_key` and an api skill as
 * the `Idempotency-Key` header, so a call repeated after a crash can be recognised by the skill.
 * Tokens of the declared integrations reach a function skill as `env.integrations.<provider>` and an
 * api skill as headers (see integrationHeaders).
 */
async function dispatch(
  ctx: AppContext,
  tenantId: string,
  l: RunnableSkill,
  input: unknown,
  env: Record<string, string>,
  idempotencyKey: string,
  grants: Record<string, IntegrationGrant>,
): Promise<Dispatched> {
  const content = l.content as { code?: string | null; endpoint?: string | null };
  if (l.subtype === 'function') {
    if (!content.code) return { ok: false, output: null, error: 'Skill has no code' };
    const fullEnv = {
      ...env,
      idempotency_key: idempotencyKey,
      ...(Object.keys(grants).length ? { integrations: grants } : {}),
    };
    const { code } = content;
    const limits = { timeoutMs: ctx.config.skillTimeoutMs, outputMaxBytes: ctx.config.skillOutputMaxBytes };
    const run = () => runInSandbox(code, input, fullEnv, limits, tenancyOf(ctx, tenantId));
    return fromSandbox(ctx, await traceSkillRun(ctx.tracing, l, run));
  }
  if (l.subtype === 'api') {
    if (!content.endpoint) return { ok: false, output: null, error: 'Skill has no endpoint' };
    try {
      return capped(ctx, await callApi(ctx, content.endpoint, input, idempotencyKey, grants));
    } catch (e) {
      return { ok: false, output: null, error: e instanceof Error ? e.message : String(e) };
    }
  }
  throw new AppError(
    'SKILL_TYPE_NOT_EXECUTABLE',
    `Skills of type '${l.subtype}' are stored but cannot be executed on this server; only 'function' and 'api' ` +
      `skills run here`,
    { skill_type: l.subtype, executable_types: ['function', 'api'] },
  );
}

/**
 * Runs a skill and keeps a durable record of the run (or, with `deferRecord`, hands it to the caller's
 * transaction: an agent's tool call writes it with the call's end in the journal). `quota: 'consume'` counts it against
 * the daily limit (direct runs); agents' tool calls were counted when the execution journal recorded the call.
 * A direct run's idempotency key is its own run id; an agent's tool call brings the journal's.
 *
 * A skill that declares integrations gets the tenant's tokens; a provider the tenant has not
 * connected fails the call before the skill runs (and before it counts). Whatever the run returns
 * or throws leaves here with those tokens replaced by "[redacted]": results go on to traces,
 * journals, events, webhooks and models.
 *
 * A function skill runs within the tenant's share of the sandbox pool: beyond it the call is refused
 * with 429 SANDBOX_BUSY (a direct run before it counts against the quota). An output over
 * skillOutputMaxBytes fails the run with SKILL_OUTPUT_TOO_LARGE: recorded as failed, and for a direct
 * run answered as 422 (an agent's tool call gets it as the call's error).
 */
export async function executeSkill(
  ctx: AppContext,
  tenantId: string,
  plan: Plan,
  l: RunnableSkill,
  input: unknown,
  env: Record<string, string>,
  run: { quota: 'consume' | 'counted'; idempotencyKey?: string; deferRecord?: boolean },
): Promise<ExecutionOutcome> {
  const grants = await grantsFor(ctx, tenantId, declaredIntegrations(l.content));
  if (l.subtype === 'function' && !sandboxAdmits(tenancyOf(ctx, tenantId))) {
    throw sandboxBusy(
      ctx,
      `This tenant already has ${ctx.config.sandboxTenantActive} skill runs in progress ` +
        `and ${ctx.config.sandboxTenantQueue} waiting; try again shortly`,
      2,
    );
  }
  if (run.quota === 'consume') await consumeQuota(ctx, tenantId, plan);
  const id = newId('sxe');
  const started = Date.now();
  const r = redactSecrets(
    await dispatch(ctx, tenantId, l, input, env, run.idempotencyKey ?? id, grants),
    Object.values(grants).map((g) => g.access_token),
  );
  const out: ExecutionOutcome = {
    execution_id: id,
    status: r.ok ? 'completed' : 'failed',
    output: r.output,
    error: r.error,
    duration_ms: Date.now() - started,
  };
  const record = (ex: Executor) =>
    repo.insertExecution(ex, tenantId, {
      id: out.execution_id,
      listingId: l.id,
      status: out.status,
      durationMs: out.duration_ms,
      error: out.error,
    });
  if (run.deferRecord) out.record = record;
  else await record(ctx.db.as(tenantId));
  if (r.code === 'SKILL_OUTPUT_TOO_LARGE' && run.quota === 'consume') {
    throw new AppError('SKILL_OUTPUT_TOO_LARGE', r.error!.replace(/^SKILL_OUTPUT_TOO_LARGE: /, ''), {
      execution_id: id,
      limit_bytes: ctx.config.skillOutputMaxBytes,
    });
  }
  return out;
}
