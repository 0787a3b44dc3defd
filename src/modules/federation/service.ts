import { randomBytes } from 'node:crypto';
import type { Principal } from '../../platform/auth/principal.js';
import type { AppContext } from '../../platform/context.js';
import { decryptSecret, encryptSecret, safeEqual, sha256Hex } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { BlockedDestinationError, checkUrl, safeFetch } from '../../platform/net/safe-fetch.js';
import { normalizeInstanceUrl } from './bundle.js';
import * as repo from './repo.js';
import { keyIdOf } from './signing.js';

export const KEY_PREFIX = 'atomfed_';
const TOUCH_EVERY_MS = 60_000;
const peerKeyAad = (peerId: string) => `federation-peer-key:${peerId}`;
export const WELL_KNOWN_PATH = '/.well-known/atom-federation.json';

type GivenKey = { key_id: string; alg?: 'ed25519'; public_key: string };
export interface NewPeer {
  name: string;
  base_url: string;
  outbound_key?: string;
  public_keys?: GivenKey[];
  public_key?: string;
}
export interface PeerPatch {
  name?: string;
  outbound_key?: string | null;
  public_keys?: GivenKey[];
  public_key?: string;
  status?: 'active' | 'disabled';
  refresh_keys?: boolean;
}

/** What responses show of a peer: never the sealed key. */
export function peerView(p: repo.PeerRow) {
  const { outbound_key_sealed, ...rest } = p;
  return { ...rest, has_outbound_key: outbound_key_sealed !== null };
}

/** Peers, inbound keys, and the credential check the resolver calls for X-Federation-Key. */
export function federationService(ctx: AppContext) {
  const sys = ctx.db.as(SYSTEM);
  const allowLoopback = () => ctx.config.allowInsecureWebhooks;
  const touched = new Map<string, number>();

  function instanceUrl(raw: string): string {
    try {
      checkUrl(raw, allowLoopback());
      return normalizeInstanceUrl(raw);
    } catch (err) {
      const why = err instanceof BlockedDestinationError ? err.message : 'not a valid URL';
      throw new AppError('VALIDATION_ERROR', `base_url: ${why}`, { field: 'base_url' });
    }
  }

  /** The peer's published keys, from its well-known document (SSRF-guarded). */
  async function fetchPublicKeys(baseUrl: string): Promise<repo.PeerKey[]> {
    const res = await safeFetch(`${baseUrl}${WELL_KNOWN_PATH}`, {
      allowLoopback: allowLoopback(),
      timeoutMs: 5000,
      maxResponseBytes: 64 * 1024,
    });
    if (res.status !== 200) throw new Error(`well-known document answered ${res.status}`);
    const doc = JSON.parse(res.body.toString('utf8')) as {
      public_keys?: { key_id?: unknown; alg?: unknown; public_key?: unknown }[];
    };
    return (doc.public_keys ?? [])
      .filter((k) => typeof k.key_id === 'string' && k.alg === 'ed25519' && typeof k.public_key === 'string')
      .map((k) => ({ key_id: k.key_id as string, alg: 'ed25519' as const, public_key: k.public_key as string }));
  }

  function givenKeys(p: { public_keys?: GivenKey[]; public_key?: string }): repo.PeerKey[] | undefined {
    if (p.public_keys)
      return p.public_keys.map((k) => ({ key_id: k.key_id, alg: 'ed25519', public_key: k.public_key }));
    // A key given alone gets the id its instance publishes it under (SHA-256 thumbprint).
    if (p.public_key)
      return [{ key_id: keyIdOf(Buffer.from(p.public_key, 'base64url')), alg: 'ed25519', public_key: p.public_key }];
    return undefined;
  }

  async function peer(id: string): Promise<repo.PeerRow> {
    const p = await repo.findPeer(sys, id);
    if (!p) throw new AppError('PEER_NOT_FOUND', `Federation peer '${id}' not found`, { peer_id: id });
    return p;
  }

  /** A peer by its URL (the seeds' install_from_bundle names the source instance, not a peer id). */
  async function peerByUrl(url: string): Promise<repo.PeerRow> {
    let base: string | null = null;
    try {
      base = normalizeInstanceUrl(url);
    } catch {
      /* not a URL: unknown peer */
    }
    const p = base ? await repo.findPeerByUrl(sys, base) : null;
    if (!p)
      throw new AppError('PEER_NOT_FOUND', `No federation peer is registered for '${url}'`, { source_instance: url });
    return p;
  }

  return {
    peer,
    peerByUrl,
    fetchPublicKeys,
    outboundKey: (p: repo.PeerRow) =>
      p.outbound_key_sealed ? decryptSecret(ctx.config.encryptionKey, p.outbound_key_sealed, peerKeyAad(p.id)) : null,

    /**
     * Registers a peer; without given keys, fetches them from its well-known URL (an unreachable peer is kept with
     * none).
     */
    async createPeer(p: NewPeer) {
      const base = instanceUrl(p.base_url);
      const id = newId('peer');
      let keys = givenKeys(p);
      let keyStatus: 'given' | 'fetched' | 'unavailable' = 'given';
      if (!keys) {
        keys = await fetchPublicKeys(base).catch(() => []);
        keyStatus = keys.length ? 'fetched' : 'unavailable';
      }
      const sealed = p.outbound_key ? encryptSecret(ctx.config.encryptionKey, p.outbound_key, peerKeyAad(id)) : null;
      try {
        const row = await repo.insertPeer(sys, {
          id,
          name: p.name,
          base_url: base,
          outbound_key_sealed: sealed,
          public_keys: keys,
        });
        return { peer: row, public_key_status: keyStatus };
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError('ALREADY_EXISTS', `A peer with base_url ${base} is already registered`, {
            base_url: base,
          });
        throw err;
      }
    },

    list: (limit: number, offset: number) => repo.listPeers(sys, limit, offset),

    async updatePeer(id: string, p: PeerPatch) {
      const current = await peer(id);
      let keys = givenKeys(p);
      if (!keys && p.refresh_keys) {
        keys = await fetchPublicKeys(current.base_url).catch((err: Error) => {
          throw new AppError('FEDERATION_PEER_ERROR', `Could not fetch the peer's public keys: ${err.message}`, {
            peer_id: id,
          });
        });
      }
      const sealed =
        p.outbound_key === undefined
          ? undefined
          : p.outbound_key === null
            ? null
            : encryptSecret(ctx.config.encryptionKey, p.outbound_key, peerKeyAad(id));
      return (await repo.updatePeer(sys, id, {
        name: p.name,
        outbound_key_sealed: sealed,
        public_keys: keys,
        status: p.status,
      }))!;
    },

    /** Removes the peer and, with it, every key issued to it. */
    async deletePeer(id: string) {
      if (!(await repo.deletePeer(sys, id)))
        throw new AppError('PEER_NOT_FOUND', `Federation peer '${id}' not found`, { peer_id: id });
    },

    /** A new inbound key for a peer: shown once, stored as SHA-256. Several may be active (rotation). */
    async issueKey(p: { peer_id: string; name?: string; expires_at?: string; expires_in_days?: number }) {
      await peer(p.peer_id);
      const expires = p.expires_at
        ? new Date(p.expires_at)
        : p.expires_in_days
          ? new Date(Date.now() + p.expires_in_days * 86_400_000)
          : null;
      if (expires && !(expires.getTime() > Date.now()))
        throw new AppError('VALIDATION_ERROR', 'expires_at must be in the future', { field: 'expires_at' });
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const row = await repo.insertKey(sys, {
        id: newId('fkey'),
        peer_id: p.peer_id,
        name: p.name ?? '',
        prefix: key.slice(0, KEY_PREFIX.length + 6),
        key_hash: sha256Hex(key),
        expires_at: expires?.toISOString() ?? null,
      });
      return { key, row };
    },

    keys: (peerId: string | null, limit: number, offset: number) => repo.listKeys(sys, peerId, limit, offset),

    async revokeKey(id: string) {
      const row = await repo.revokeKey(sys, id);
      if (!row) throw notFound('NOT_FOUND', 'Federation key', id);
      return row;
    },

    /**
     * The resolver hook: a live key (not revoked, not expired, peer active) whose peer's URL is
     * the X-Federation-Source. The hash lookup finds the row; the stored hash is compared again
     * in constant time. `reason` says why a key failed, for the log.
     */
    async authenticate(
      key: string,
      source: string | undefined,
    ): Promise<{ principal: Principal | null; reason?: string }> {
      if (!key.startsWith(KEY_PREFIX) || key.length > 200) return { principal: null, reason: 'malformed key' };
      const hash = sha256Hex(key);
      const row = await repo.findKeyByHash(sys, hash);
      if (!row || !safeEqual(row.key_hash, hash)) return { principal: null, reason: 'unknown key' };
      if (row.revoked_at) return { principal: null, reason: 'revoked key' };
      if (row.expires_at && Date.parse(row.expires_at) <= Date.now()) return { principal: null, reason: 'expired key' };
      if (row.peer_status !== 'active') return { principal: null, reason: 'peer disabled' };
      let claimed: string | null = null;
      try {
        claimed = source ? normalizeInstanceUrl(source) : null;
      } catch {
        /* not a URL */
      }
      if (claimed !== row.base_url) return { principal: null, reason: "source does not match the key's peer" };
      const now = Date.now();
      if ((touched.get(row.id) ?? 0) + TOUCH_EVERY_MS <= now) {
        touched.set(row.id, now);
        repo.touchKey(sys, row.id).catch(() => undefined);
      }
      return {
        principal: {
          kind: 'federation',
          tenantId: null,
          tenant: null,
          userId: null,
          keyId: row.id,
          role: null,
          scope: 'read',
          permissions: new Set(),
          rateKey: `federation:${row.id}`,
          peer: { id: row.peer_id, source: row.base_url },
        },
      };
    },
  };
}
