import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { enforceRateLimit, type RateStore, throttleAuthFailure } from '../ratelimit/index.js';
import type { Permission } from './permissions.js';
import type { Principal } from './principal.js';
import type { CredentialResolver } from './resolver.js';

/**
 * What a route accepts:
 * - `tenant` (default): a tenant credential (API key, user JWT, or admin key with X-Tenant-ID)
 * - `optional`: like tenant when a credential is sent, anonymous otherwise
 * - `admin`: the platform admin key
 * - `federation`: a registered peer's X-Federation-Key
 * - `public`: no credential looked at (health, docs)
 */
export type AuthMode = 'tenant' | 'optional' | 'admin' | 'federation' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
    permission?: Permission;
    /** Overrides the method-based rule (GET/HEAD/OPTIONS read, the rest write). */
    write?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerGuard(app: FastifyInstance, resolver: CredentialResolver, rates: RateStore) {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    const cfg = req.routeOptions.config ?? {};
    const mode: AuthMode = cfg.auth ?? 'tenant';
    if (mode === 'public') return;
    const principal = await resolver
      .resolve(req.headers, req.raw.socket)
      .catch((err) => throttleAuthFailure(rates, req, err));
    requireCredential(mode, principal);
    await enforceRateLimit(rates, req, reply, principal);
    if (principal) authorise(req, principal, cfg.permission, cfg.write ?? !READ_METHODS.has(req.method));
    req.principal = principal;
  });
}

function requireCredential(mode: AuthMode, principal: Principal | null) {
  if (mode === 'optional') return;
  if (!principal) {
    if (mode === 'federation') throw new AppError('FEDERATION_KEY_INVALID', 'X-Federation-Key header required');
    throw new AppError('AUTH_REQUIRED', 'Authentication required. Use X-API-Key or Authorization: Bearer header.');
  }
  if (mode === 'admin' && principal.kind !== 'admin') {
    throw new AppError('FORBIDDEN', 'This operation requires the platform admin key');
  }
  if (mode === 'federation' && principal.kind !== 'federation') {
    throw new AppError('FEDERATION_KEY_INVALID', 'This endpoint accepts only X-Federation-Key');
  }
  if (mode === 'tenant' && !principal.tenantId) {
    throw new AppError('TENANT_NOT_FOUND', 'Tenant context not found: send X-Tenant-ID with the admin key');
  }
}

function authorise(req: FastifyRequest, principal: Principal, permission: Permission | undefined, write: boolean) {
  const claimed = req.headers['x-tenant-id'];
  if (typeof claimed === 'string' && claimed !== '' && principal.tenantId && claimed !== principal.tenantId) {
    throw new AppError('TENANT_MISMATCH', "X-Tenant-ID does not match the credential's tenant", {
      credential_tenant: principal.tenantId,
    });
  }
  if (principal.tenant?.status === 'suspended') throw new AppError('TENANT_SUSPENDED', 'This tenant is suspended');
  if (write && principal.scope === 'read') {
    throw new AppError('INSUFFICIENT_SCOPE', 'Read-only key cannot perform write operations', {
      required_scope: 'read_write',
    });
  }
  if (permission && !principal.permissions.has(permission)) {
    throw new AppError('INSUFFICIENT_PERMISSIONS', `This operation requires the ${permission} permission`, {
      required_permission: permission,
      role: principal.role,
    });
  }
}

/** The calling tenant; routes in `tenant` mode always have one. */
export function tenantOf(req: FastifyRequest): string {
  const id = req.principal?.tenantId;
  if (!id) throw new AppError('TENANT_NOT_FOUND', 'Tenant context not found');
  return id;
}

/** A short description of the caller, for audit fields. */
export function actorOf(req: FastifyRequest): { userId: string | null; keyId: string | null; kind: Principal['kind'] } {
  const p = req.principal!;
  return { userId: p.userId, keyId: p.keyId, kind: p.kind };
}
