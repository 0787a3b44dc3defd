import { createHash, createPublicKey, verify as edVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { camelKeys } from './case.js';
import { BundleVerificationError } from './errors.js';
import { type Component, type ListOptions, listQuery } from './marketplace-base.js';
import { type Page, paginate, toPage } from './pagination.js';
import { ROUTES } from './routes.js';
import { type ClientOptions, Transport } from './transport.js';

export interface FederationClientOptions extends ClientOptions {
  /** The shared secret this instance was given by the peer (`X-Federation-Key`). */
  federationKey: string;
  /** This instance's public URL (`X-Federation-Source`). */
  sourceInstance?: string;
  /**
   * The peer's Ed25519 public keys, pinned (JWK `{kty:'OKP',crv:'Ed25519',x}`, PEM, or KeyObject).
   * When absent they are fetched once from `keysUrl`.
   */
  publicKeys?: KeyInput[];
  /** Where the peer publishes its keys, `{public_keys:[{key_id, public_key, jwk}]}` (default `<baseUrl>/.well-known/atom-federation.json`). */
  keysUrl?: string;
}

/**
 * A signed bundle (`atom.bundle` version 1, docs/federation.md) as served by
 * GET /api/federation/v1/marketplace/agents/{id}/bundle (and …/skills/{id}/bundle).
 * `digest.value` is the hex SHA-256 of the canonical JSON of the bundle without `digest` and
 * `signature`; `signature.value` is the base64url Ed25519 signature of the 32 raw digest bytes by
 * the key `signature.key_id` of `source_instance`. The bundle is returned exactly as received
 * (snake_case), so it can be handed to another instance's `POST /api/federation/install` and
 * verified again there.
 */
export interface AgentBundle {
  format: 'atom.bundle';
  version: number;
  source_instance: string;
  issued_at: string;
  nonce: string;
  kind: 'agent_template' | 'skill';
  listing: Record<string, unknown>;
  agent_template?: Record<string, unknown>;
  skill?: Record<string, unknown>;
  skills: Record<string, unknown>[];
  canvas_components: Record<string, unknown>[];
  digest: { alg: 'sha-256'; value: string };
  signature: { alg: 'ed25519'; key_id: string; value: string };
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

/** A public key as published in the peer's `/.well-known/atom-federation.json`. */
export interface PublishedKey {
  key_id: string;
  alg: string;
  public_key: string;
  jwk?: JsonWebKey;
}

/** Canonical JSON: object keys sorted at every level, no whitespace (RFC 8785 for ordinary values). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

type KeyInput = PublishedKey | JsonWebKey | string | KeyObject;

/** The key id a key answers to, when it names one. */
function kidOf(k: KeyInput): string | undefined {
  if (typeof k === 'string' || (k as KeyObject).type === 'public') return undefined;
  return (k as PublishedKey).key_id ?? (k as JsonWebKey & { kid?: string }).kid;
}

function toKey(k: KeyInput): KeyObject {
  if (typeof k === 'string') return createPublicKey(k);
  if ((k as KeyObject).type === 'public') return k as KeyObject;
  const published = k as PublishedKey;
  if (published.public_key)
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: published.public_key }, format: 'jwk' });
  return createPublicKey({ key: k as JsonWebKey, format: 'jwk' });
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new BundleVerificationError({ code: 'BUNDLE_VERIFICATION_FAILED', status: 0, message, details });
}

/**
 * Checks a bundle's format, SHA-256 digest and Ed25519 signature against the source's public keys
 * (the one whose key id is `signature.key_id`; keys without an id are all tried). Throws
 * `BundleVerificationError` on the first problem; returns the bundle when all hold.
 */
export function verifyAgentBundle<T extends AgentBundle>(bundle: T, keys: KeyInput[]): T {
  if (!bundle || typeof bundle !== 'object' || bundle.format !== 'atom.bundle' || bundle.version !== 1)
    fail('Not an atom.bundle version 1');
  if (
    bundle.digest?.alg !== 'sha-256' ||
    typeof bundle.digest.value !== 'string' ||
    bundle.signature?.alg !== 'ed25519' ||
    typeof bundle.signature.value !== 'string'
  ) {
    fail('Bundle lacks a sha-256 digest or an ed25519 signature');
  }
  const { digest: _d, signature: _s, ...body } = bundle;
  const hex = createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
  if (hex !== bundle.digest.value.toLowerCase())
    fail('Bundle digest does not match its content', { expected: bundle.digest.value, actual: hex });
  const candidates = keys.filter((k) => kidOf(k) === undefined || kidOf(k) === bundle.signature.key_id);
  if (!candidates.length)
    fail(`No public key '${bundle.signature.key_id}' for this bundle`, { key_id: bundle.signature.key_id });
  const signature = Buffer.from(bundle.signature.value, 'base64url');
  const ok = candidates.some((k) => {
    try {
      return edVerify(null, Buffer.from(hex, 'hex'), toKey(k), signature);
    } catch {
      return false;
    }
  });
  if (!ok) fail("Bundle signature is not valid for the source instance's key", { key_id: bundle.signature.key_id });
  return bundle;
}

/** Discovery and bundle download between ATOM instances (integration guide, Pattern 4). */
export class FederationClient {
  readonly transport: Transport;
  private readonly options: FederationClientOptions;
  private keys: KeyInput[] | undefined;

  constructor(options: FederationClientOptions) {
    const headers: Record<string, string> = { 'x-federation-key': options.federationKey, ...(options.headers ?? {}) };
    if (options.sourceInstance) headers['x-federation-source'] = options.sourceInstance;
    this.transport = new Transport({ ...options, headers });
    this.options = options;
    this.keys = options.publicKeys;
  }

  /** Approved public agent listings the peer shares; a `Page` (array + `items`, `total`, `hasMore`). */
  async discoverAgents(options: ListOptions = {}): Promise<Page<Component>> {
    return toPage(await this.transport.call(ROUTES.discoverAgents, { query: listQuery(options) }), (v) =>
      camelKeys<Component>(v),
    );
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

  /** The peer's signing keys: pinned ones, else the ones it publishes at its well-known URL (fetched once). */
  async publicKeys(): Promise<KeyInput[]> {
    if (this.keys) return this.keys;
    const url = this.options.keysUrl ?? `${this.transport.baseUrl}/.well-known/atom-federation.json`;
    const doc = await this.transport.get<{ public_keys?: PublishedKey[] }>(url);
    const keys = (doc?.public_keys ?? []).filter((k) => k.alg === 'ed25519' && typeof k.public_key === 'string');
    if (!keys.length) fail(`No Ed25519 key published at ${url}`);
    this.keys = keys;
    return keys;
  }
}
