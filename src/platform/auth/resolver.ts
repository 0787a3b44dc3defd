import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../../config.js';
import type { Bus } from '../bus.js';
import { safeEqual, sha256Hex } from '../crypto.js';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';
import { isWellFormedApiKey, looksLikeApiKey } from './api-key-format.js';
import { findKeyByHash, findMembership, findTenant, type TenantRow, touchKey } from './credential-repo.js';
import { verifyAccessToken } from './jwt.js';
import { PERMISSIONS, ROLE_PERMISSIONS, type Role } from './permissions.js';
import type { Principal } from './principal.js';

export const KEY_REVOKED_CHANNEL = 'atom:api-key-revoked';
/** A membership changed (`tenantId:userId`): every process drops its cached role for that user token. */
export const MEMBER_CHANGED_CHANNEL = 'atom:member-changed';
const MAX_CACHE = 10_000;
const TOUCH_EVERY_MS = 60_000;

export type FederationResolver = (key: string, source: string | undefined) => Promise<Principal | null>;

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * Turns request headers into a Principal. API-key and membership lookups are cached for
 * `apiKeyCacheSeconds`; a revocation clears the entry at once on every process that hears it on
 * the bus (Redis pub/sub across processes), and in any case within that bound.
 */
export class CredentialResolver {
  private readonly keys = new Map<string, Cached<Principal | 'invalid'>>();
  private readonly members = new Map<string, Cached<(TenantRow & { role: Role }) | null>>();
  private readonly touched = new Map<string, number>();
  /** Per connection, the last API key seen on it and its hash: a keep-alive client sends the same key each time. */
  private readonly lastKey = new WeakMap<object, [string, string]>();
  federation: FederationResolver | null = null;

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'adminKey' | 'jwtSecret' | 'apiKeyCacheSeconds'>,
  ) {}

  async listen(bus: Bus) {
    await bus.subscribe(KEY_REVOKED_CHANNEL, (hash) => this.keys.delete(hash));
    await bus.subscribe(MEMBER_CHANGED_CHANNEL, (id) => this.members.delete(id));
  }

  /** Forget everything cached (tests, admin changes of plan or status). */
  clear() {
    this.keys.clear();
    this.members.clear();
  }

  forgetKey(hash: string) {
    this.keys.delete(hash);
  }

  /**
   * null when the request carries no credential at all. Throws 401 for a bad one. `connection`
   * (the request's socket) lets a key sent again on the same connection skip its format check and
   * hash; the cached credential behind the hash is looked up as always.
   */
  async resolve(headers: IncomingHttpHeaders, connection?: object): Promise<Principal | null> {
    const admin = header(headers, 'x-admin-key');
    if (admin !== undefined) return this.fromAdminKey(admin, header(headers, 'x-tenant-id'));
    const apiKey = header(headers, 'x-api-key');
    if (apiKey !== undefined) return this.fromApiKey(apiKey, connection);
    const auth = header(headers, 'authorization');
    if (auth !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (!match) throw new AppError('UNAUTHORIZED', 'Authorization header must be "Bearer <token>"');
      return looksLikeApiKey(match[1]) ? this.fromApiKey(match[1], connection) : this.fromJwt(match[1]);
    }
    const federationKey = header(headers, 'x-federation-key');
    if (federationKey !== undefined) {
      const source = header(headers, 'x-federation-source') ?? header(headers, 'x-tederation-source');
      const peer = this.federation ? await this.federation(federationKey, source) : null;
      if (!peer) throw new AppError('FEDERATION_KEY_INVALID', 'Invalid federation key');
      return peer;
    }
    return null;
  }

  private async fromAdminKey(key: string, tenantId: string | undefined): Promise<Principal> {
    if (!safeEqual(key, this.config.adminKey)) throw new AppError('UNAUTHORIZED', 'Invalid admin key');
    const base = { kind: 'admin' as const, userId: null, keyId: null, scope: 'read_write' as const, rateKey: 'admin' };
    if (!tenantId) return { ...base, tenantId: null, tenant: null, role: null, permissions: new Set(PERMISSIONS) };
    // The admin key may act inside one tenant, as its owner, when X-Tenant-ID names it.
    const tenant = await findTenant(this.db, tenantId);
    if (!tenant) throw new AppError('TENANT_NOT_FOUND', `Tenant '${tenantId}' not found`);
    return { ...base, tenantId, tenant, role: 'owner', permissions: ROLE_PERMISSIONS.owner };
  }

  /**
   * The key's hash, from the connection's last key when it is the same (compared in constant time: a proxy may share a
   * connection).
   */
  private hashOf(key: string, connection: object | undefined): string {
    const last = connection && this.lastKey.get(connection);
    if (last && sameText(last[0], key)) return last[1];
    if (!isWellFormedApiKey(key)) throw new AppError('INVALID_API_KEY', 'Invalid or inactive API key');
    const hash = sha256Hex(key);
    if (connection) this.lastKey.set(connection, [key, hash]);
    return hash;
  }

  private async fromApiKey(key: string, connection?: object): Promise<Principal> {
    const hash = this.hashOf(key, connection);
    const now = Date.now();
    let entry = this.keys.get(hash);
    if (!entry || entry.until <= now) {
      const row = await findKeyByHash(this.db, hash);
      const value: Principal | 'invalid' =
        !row || row.revoked_at
          ? 'invalid'
          : ({
              kind: 'api_key',
              tenantId: row.tenant_id,
              tenant: {
                id: row.id,
                plan: row.plan,
                status: row.status,
                rate_limit_per_minute: row.rate_limit_per_minute,
              },
              userId: row.created_by,
              keyId: row.key_id,
              role: row.role,
              scope: row.scope,
              permissions: ROLE_PERMISSIONS[row.role],
              rateKey: `key:${row.key_id}`,
              expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
            } as Principal & { expiresAt: number | null });
      entry = { value, until: now + this.config.apiKeyCacheSeconds * 1000 };
      this.remember(this.keys, hash, entry);
    }
    if (entry.value === 'invalid') throw new AppError('INVALID_API_KEY', 'Invalid or inactive API key');
    const principal = entry.value as Principal & { expiresAt: number | null };
    if (principal.expiresAt !== null && principal.expiresAt <= now) {
      throw new AppError('INVALID_API_KEY', 'API key has expired', { reason: 'expired' });
    }
    this.touch(principal.tenantId!, principal.keyId!, now);
    const { expiresAt: _ignored, ...rest } = principal;
    return rest;
  }

  private async fromJwt(token: string): Promise<Principal> {
    const claims = await verifyAccessToken(this.config.jwtSecret, token);
    const id = `${claims.tenantId}:${claims.userId}`;
    const now = Date.now();
    let entry = this.members.get(id);
    if (!entry || entry.until <= now) {
      entry = {
        value: await findMembership(this.db, claims.tenantId, claims.userId),
        until: now + this.config.apiKeyCacheSeconds * 1000,
      };
      this.remember(this.members, id, entry);
    }
    const m = entry.value;
    if (!m) throw new AppError('UNAUTHORIZED', 'The token no longer grants access to this tenant');
    return {
      kind: 'user',
      tenantId: m.id,
      tenant: { id: m.id, plan: m.plan, status: m.status, rate_limit_per_minute: m.rate_limit_per_minute },
      userId: claims.userId,
      keyId: null,
      role: m.role,
      scope: 'read_write',
      permissions: ROLE_PERMISSIONS[m.role],
      rateKey: `user:${claims.userId}:${m.id}`,
    };
  }

  private remember<T>(map: Map<string, T>, key: string, value: T) {
    if (map.size >= MAX_CACHE) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }

  /** last_used_at is written at most once a minute per key, off the request path. */
  private touch(tenantId: string, keyId: string, now: number) {
    if ((this.touched.get(keyId) ?? 0) + TOUCH_EVERY_MS > now) return;
    this.remember(this.touched, keyId, now);
    touchKey(this.db, tenantId, keyId).catch(() => undefined);
  }
}

/** Equal texts, in time that depends on the length only. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
