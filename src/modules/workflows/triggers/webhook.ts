import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../../platform/context.js';
import { SYSTEM } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors.js';
import { PLAN_LIMITS, type Plan } from '../../../platform/plans.js';
import { seedSignature, standardSignature } from '../../webhooks/signing.js';
import { workflowRunsService } from '../run/service.js';
import { activationService, notActive } from './activation.js';
import * as repo from './repo.js';

/** Standard Webhooks' tolerance for a signed timestamp (replays older than this are refused). */
export const TOLERANCE_SECONDS = 5 * 60;

const same = (a: string, b: string) => {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The signature schemes our outgoing webhooks use, accepted on the way in: Standard Webhooks
 * (`webhook-id`, `webhook-timestamp` within five minutes, `webhook-signature: v1,<base64>` over
 * `id.timestamp.body`), or the seeds' `X-Webhook-Signature` (hex HMAC-SHA256 of the raw body,
 * optionally prefixed `sha256=`). Returns why it failed, or null.
 */
export function signatureProblem(secret: string, h: Headers, body: string, now = Date.now()): string | null {
  const id = header(h, 'webhook-id'),
    ts = header(h, 'webhook-timestamp'),
    sig = header(h, 'webhook-signature');
  if (id && ts && sig) {
    const t = Number(ts);
    if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > TOLERANCE_SECONDS)
      return 'webhook-timestamp is missing or too far from now';
    const expected = standardSignature(secret, id, t, body);
    return sig.split(' ').some((s) => same(s, expected)) ? null : 'webhook-signature does not match';
  }
  const seed = header(h, 'x-webhook-signature');
  if (seed)
    return same(seed.replace(/^sha256=/, '').toLowerCase(), seedSignature(secret, body))
      ? null
      : 'X-Webhook-Signature does not match';
  return 'the request is not signed: send Standard Webhooks headers or X-Webhook-Signature';
}

/**
 * An incoming call on an active workflow's webhook URL: verified with the workflow's secret, rate
 * limited per workflow (the tenant's per-minute request limit), and turned into a run whose input
 * is the JSON body.
 */
export function webhookTrigger(ctx: AppContext) {
  const runs = workflowRunsService(ctx);
  const activation = activationService(ctx);

  async function rateLimit(tenantId: string, workflowId: string) {
    const [t] = await ctx.db.query<{ plan: Plan; rate_limit_per_minute: number | null }>(
      SYSTEM,
      'SELECT plan, rate_limit_per_minute FROM tenants WHERE id = $1',
      [tenantId],
    );
    const max = t?.rate_limit_per_minute ?? PLAN_LIMITS[t?.plan ?? 'free'].requestsPerMinute;
    const [hit] = await ctx.rates.hit([{ key: `wfhook:${workflowId}:minute`, windowMs: 60_000 }]);
    if (hit.count > max) {
      const retryAfter = Math.max(1, Math.ceil((hit.resetMs - Date.now()) / 1000));
      throw new AppError(
        'RATE_LIMIT_EXCEEDED',
        `This workflow's webhook takes ${max} calls a minute. Retry after ${retryAfter} seconds.`,
        { retry_after: retryAfter, limit: max, window: 'minute' },
        { 'Retry-After': String(retryAfter) },
      );
    }
  }

  return async (workflowId: string, headers: Headers, body: string) => {
    const tenantId = await repo.tenantOfWorkflow(ctx.db.as(SYSTEM), workflowId);
    const secret = tenantId ? await activation.webhookSecret(tenantId, workflowId) : null;
    if (!tenantId || !secret) throw notActive(workflowId);
    const problem = signatureProblem(secret, headers, body);
    if (problem) throw new AppError('INVALID_SIGNATURE', `Invalid webhook signature: ${problem}`);
    await rateLimit(tenantId, workflowId);
    let input: unknown = {};
    if (body.trim()) {
      try {
        input = JSON.parse(body);
      } catch {
        throw new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { field: 'body' });
      }
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new AppError('VALIDATION_ERROR', "The body must be a JSON object (it becomes the run's input)", {
        field: 'body',
      });
    }
    return runs.start(tenantId, workflowId, {
      trigger: 'webhook',
      input: input as Record<string, unknown>,
      requestedBy: null,
      async: true,
    });
  };
}
