import { createHash, createPublicKey, verify as edVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { camelKeys } from './case.js';
import { BundleVerificationError } from './errors.js';
import { listQuery, type Component, type ListOptions } from './marketplace-base.js';
import { Page, paginate, toPage } from './pagination.js';
import { ROUTES } from './routes.js';
import { Transport, type ClientOptions } from './transport.js';

export interface FederationClientOptions extends ClientOptions {
  /** The shared secret this instance was given by the peer (`X-Federation-Key`). */
  federationKey: string;
  /** This instance's public URL (`X-Federation-Source`). */
  sourceInstance?: string;
  /**
   * The peer's Ed25519 public keys, pinned (JWK `{kty:'OKP',crv:'Ed25519',x}`, PEM, or KeyObject).
   * When absent they are fetched once from `keysUrl`.
   */
  publicKeys?: Array<JsonWebKey | string | KeyObject>;
  /** Where the peer publishes its keys as a JWKS `{keys:[…]}` (default `<baseUrl>/.well-known/atom-federation.json`). */
  keysUrl?: string;
}

/**
 * A signed agent bundle as served by GET /api/federation/v1/marketplace/agents/{id}/bundle.
 * `payload` (the agent template, its skills and canvas components) is what is signed: `digest` is
 * `sha256:` + hex SHA-256 of its canonical JSON (keys sorted, no spaces) and `signature` is the
 * base64url Ed25519 signature of those same bytes by the key `key_id` of `source_instance`.
 * The bundle is returned exactly as received (snake_case), so it can be handed on to another
 * instance's install-from-bundle and verified again there.
 */
export interface AgentBundle {
  format?: string;
  format_version?: number;
  source_instance?: string;
  key_id?: string;
  digest: string;
  signature: string;
  payload: Record<string, unknown>;
  [key: string]: unknown;
}

/** Canonical JSON: object keys sorted at every level, no whitespace (RFC 8785 for ordinary values). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function toKey(k: JsonWebKey | string | KeyObject): KeyObject {
  if (typeof k === 'string') return createPublicKey(k);
  if ('type' in k && (k as KeyObject).type === 'public') return k as KeyObject;
  return createPublicKey({ key: k as JsonWebKey, format: 'jwk' });
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new BundleVerificationError({ code: 'BUNDLE_VERIFICATION_FAILED', status: 0, message, details });
}

/**
 * Checks a bundle's SHA-256 digest and Ed25519 signature against the given public keys (any
 * key whose `kid` matches `key_id`, or every key when the bundle names none). Throws
 * `BundleVerificationError` on the first problem; returns the bundle when both hold.
 */
export function verifyAgentBundle<T extends AgentBundle>(bundle: T, keys: Array<JsonWebKey | string | KeyObject>): T {
  if (!bundle || typeof bundle !== 'object' || !bundle.payload || typeof bundle.digest !== 'string' || typeof bundle.signature !== 'string') {
    fail('Bundle lacks payload, digest or signature');
  }
  const bytes = Buffer.from(canonicalJson(bundle.payload), 'utf8');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (digest !== bundle.digest.toLowerCase()) fail('Bundle digest does not match its payload', { expected: bundle.digest, actual: digest });
  const candidates = keys.filter((k) => !bundle.key_id || typeof k !== 'object' || !('kid' in k) || (k as JsonWebKey).kid === undefined || (k as JsonWebKey).kid === bundle.key_id);
  if (!candidates.length) fail(`No public key '${bundle.key_id}' for this bundle`, { key_id: bundle.key_id });
  const signature = Buffer.from(bundle.signature, 'base64url');
  const ok = candidates.some((k) => {
    try {
      return edVerify(null, bytes, toKey(k), signature);
    } catch {
      return false;
    }
  });
  if (!ok) fail('Bundle signature is not valid for the source instance\'s key', { key_id: bundle.key_id });
  return bundle;
}

/** Discovery and bundle download between ATOM instances (integration guide, Pattern 4). */
export class FederationClient {
  readonly transport: Transport;
  private readonly options: FederationClientOptions;
  private keys: Array<JsonWebKey | string | KeyObject> | undefined;

  constructor(options: FederationClientOptions) {
    const headers: Record<string, string> = { 'x-federation-key': options.federationKey, ...(options.headers ?? {}) };
    if (options.sourceInstance) headers['x-federation-source'] = options.sourceInstance;
    this.transport = new Transport({ ...options, headers });
    this.options = options;
    this.keys = options.publicKeys;
  }

  /** Approved public agent listings the peer shares; a `Page` (array + `items`, `total`, `hasMore`). */
  async discoverAgents(options: ListOptions = {}): Promise<Page<Component>> {
    return toPage(await this.transport.call(ROUTES.discoverAgents, { query: listQuery(options) }), (v) => camelKeys<Component>(v));
  }

  iterateAgents(options: Omit<ListOptions, 'page' | 'offset'> = {}): AsyncGenerator<Component> {
    return paginate((page) => this.discoverAgents({ pageSize: 100, ...options, page }));
  }

  /** Downloads a bundle and (unless `verify: false`) checks its digest and signature before returning it. */
  async downloadAgentBundle(agentId: string, options: { verify?: boolean } = {}): Promise<AgentBundle> {
    const bundle = await this.transport.call<AgentBundle>(ROUTES.downloadAgentBundle, { params: { id: agentId } });
    if (options.verify === false) return bundle;
    return verifyAgentBundle(bundle, await this.publicKeys());
  }

  /** The peer's signing keys: pinned ones, else its published JWKS (fetched once). */
  async publicKeys(): Promise<Array<JsonWebKey | string | KeyObject>> {
    if (this.keys) return this.keys;
    const url = this.options.keysUrl ?? `${this.transport.baseUrl}/.well-known/atom-federation.json`;
    const doc = await this.transport.get<{ keys?: JsonWebKey[] }>(url);
    const keys = (doc?.keys ?? []).filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519');
    if (!keys.length) fail(`No Ed25519 key published at ${url}`);
    this.keys = keys;
    return keys;
  }
}
