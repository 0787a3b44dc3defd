import type { FastifyRequest } from 'fastify';
import { tenantOf } from '../../platform/auth/guard.js';
import type { Plan } from '../../platform/plans.js';
import type { Caller } from '../marketplace/service.js';

/** The engine's view of the caller: tenant, plan, and who rates (user, else key). */
export function callerOf(req: FastifyRequest): Caller {
  const p = req.principal!;
  return {
    tenantId: tenantOf(req),
    plan: (p.tenant?.plan ?? 'free') as Plan,
    rater: p.userId ?? p.keyId ?? tenantOf(req),
    approver: p.permissions.has('GOVERNANCE_APPROVE'),
    graduator: p.permissions.has('GRADUATION_MANAGE'),
  };
}
