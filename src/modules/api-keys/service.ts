import { displayPrefix, generateApiKey } from '../../platform/auth/api-key-format.js';
import { ROLES, type Role, roleAtMost } from '../../platform/auth/permissions.js';
import { KEY_REVOKED_CHANNEL } from '../../platform/auth/resolver.js';
import type { AppContext } from '../../platform/context.js';
import { sha256Hex } from '../../platform/crypto.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as repo from './repo.js';
import type { ApiKey } from './schemas.js';

export interface IssueKeyInput {
  name: string;
  scope?: 'read' | 'read_write';
  role?: Role;
  expires_at?: string;
  expires_in_days?: number;
}

export interface Issuer {
  userId: string | null;
  /** The issuer's own role: a key never grants more. */
  role: Role;
}

/** Writes a new key inside the caller's transaction; the secret is returned here and never again. */
export async function issueKey(
  ex: Executor,
  tenantId: string,
  issuer: Issuer,
  input: IssueKeyInput,
): Promise<{ api_key: ApiKey; key: string }> {
  const role = input.role ?? (issuer.role === 'owner' ? 'admin' : issuer.role);
  if (!roleAtMost(role, issuer.role)) {
    throw new AppError('INSUFFICIENT_PERMISSIONS', `A ${issuer.role} cannot create a key with role ${role}`, {
      required_permission: 'API_KEY_MANAGE',
      role: issuer.role,
    });
  }
  const expiresAt = expiry(input);
  const key = generateApiKey();
  const api_key = await repo.insertKey(ex, tenantId, {
    id: newId('key'),
    name: input.name,
    prefix: displayPrefix(key),
    hash: sha256Hex(key),
    scope: input.scope ?? 'read_write',
    role,
    createdBy: issuer.userId,
    expiresAt,
  });
  return { api_key, key };
}

function expiry(input: IssueKeyInput): Date | null {
  if (input.expires_at && input.expires_in_days) {
    throw new AppError('VALIDATION_ERROR', 'Give expires_at or expires_in_days, not both', { field: 'expires_at' });
  }
  if (input.expires_in_days) return new Date(Date.now() + input.expires_in_days * 86_400_000);
  if (!input.expires_at) return null;
  const at = new Date(input.expires_at);
  if (at.getTime() <= Date.now())
    throw new AppError('VALIDATION_ERROR', 'expires_at must be in the future', { field: 'expires_at' });
  return at;
}

/**
 * The keys a member minted follow the member: when they leave, every live key they created in the
 * tenant is revoked; when their role is lowered, keys above the new role are lowered to it. Runs
 * in the caller's transaction (the membership change); pass the hashes to `forgetKeys` after commit.
 */
export async function keysFollowMember(
  ex: Executor,
  tenantId: string,
  userId: string,
  newRole: Role | null,
): Promise<string[]> {
  if (newRole === null) return repo.revokeKeysOf(ex, tenantId, userId);
  return repo.lowerKeysOf(
    ex,
    tenantId,
    userId,
    newRole,
    ROLES.filter((r) => !roleAtMost(r, newRole)),
  );
}

/**
 * Drops cached keys on this process and, through the bus (Redis pub/sub), on every other one.
 * Call after the change is committed, so no process can reload the old row.
 */
export async function forgetKeys(ctx: AppContext, hashes: string[]): Promise<void> {
  for (const hash of hashes) {
    ctx.resolver.forgetKey(hash);
    await ctx.bus.publish(KEY_REVOKED_CHANNEL, hash);
  }
}

export function apiKeysService(ctx: AppContext) {
  return {
    create: (tenantId: string, issuer: Issuer, input: IssueKeyInput) =>
      ctx.db.tx(tenantId, (ex) => issueKey(ex, tenantId, issuer, input)),

    list: (tenantId: string, limit: number, offset: number) =>
      repo.listKeys(ctx.db.as(tenantId), tenantId, limit, offset),

    /** Revocation is immediate on this process and, through the bus, on every other one. */
    async revoke(tenantId: string, id: string): Promise<ApiKey> {
      const revoked = await repo.revokeKey(ctx.db.as(tenantId), tenantId, id);
      if (!revoked) throw notFound('API_KEY_NOT_FOUND', 'API key', id);
      await forgetKeys(ctx, [revoked.hash]);
      return revoked.key;
    },
  };
}
