import { randomBytes } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { readSnapshot } from '../agent-templates/snapshot.js';
import { type Listing, marketplaceEngine } from '../marketplace/service.js';
import { BUNDLE_SCHEMA } from './bundle-schema.js';
import { bundleDigest } from './canonical.js';
import { instanceKeys, verifyDigest } from './signing.js';

export const BUNDLE_FORMAT = 'atom.bundle';
export const BUNDLE_VERSION = 1;
/** A bundle older than this (or dated this far in the future) is refused. */
export const BUNDLE_MAX_AGE_SECONDS = 600;
const MAX_SKEW_SECONDS = 300;
const MAX_SKILLS = 100;

export type BundleKind = 'agent_template' | 'skill';
export interface Component {
  listing: ListingView;
  content: Record<string, unknown>;
  config_schema: Record<string, unknown> | null;
  dependencies: string[];
}
export type ListingView = ReturnType<typeof listingView>;
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  source_instance: string;
  issued_at: string;
  nonce: string;
  kind: BundleKind;
  listing: ListingView;
  agent_template?: ReturnType<typeof readSnapshot>;
  skill?: Component;
  skills: Component[];
  canvas_components: Component[];
  digest: { alg: 'sha-256'; value: string };
  signature: { alg: 'ed25519'; key_id: string; value: string };
}

/** What a peer learns of a listing: its public marketplace face, never the publisher's tenant or source ids. */
export function listingView(l: Listing) {
  return {
    id: l.id,
    kind: l.kind,
    name: l.name,
    description: l.description,
    long_description: l.long_description,
    category: l.category,
    subtype: l.subtype,
    tags: l.tags,
    price: l.price,
    documentation_url: l.documentation_url,
    version_id: l.current_version_id,
    rating: l.rating,
    rating_count: l.rating_count,
    installs: l.installs,
    approved_at: l.approved_at,
    created_at: l.created_at,
  };
}

const component = (l: Listing): Component => ({
  listing: listingView(l),
  content: l.content,
  config_schema: l.config_schema,
  dependencies: l.dependencies,
});

/** Builds and signs bundles of this instance's approved public listings. */
export function bundleBuilder(ctx: AppContext) {
  const templates = marketplaceEngine(ctx, 'agent_template', { notFoundCode: 'AGENT_NOT_FOUND' });
  const skills = marketplaceEngine(ctx, 'skill');
  const keys = instanceKeys(ctx);

  /** Only approved public listings leave the instance: viewer null sees nothing else. */
  const publicListing = async (engine: typeof skills, id: string) => {
    const l = await engine.visible(null, id);
    if (l.status !== 'approved' || l.marketplace_type !== 'public')
      throw new AppError(engine === skills ? 'SKILL_NOT_FOUND' : 'AGENT_NOT_FOUND', `Listing '${id}' not found`, {
        id,
      });
    return l;
  };

  /** The skills and their dependencies, dependencies first; each must be an approved public listing. */
  async function skillClosure(roots: string[], requiredBy: string): Promise<Component[]> {
    const seen = new Map<string, Listing>();
    const missing: string[] = [];
    const visit = async (id: string) => {
      if (seen.has(id) || missing.includes(id)) return;
      const l = await publicListing(skills, id).catch(() => null);
      if (!l) return void missing.push(id);
      seen.set(id, l);
      if (seen.size > MAX_SKILLS)
        throw new AppError('INSTALL_FAILED', `A bundle carries at most ${MAX_SKILLS} skills`, {
          listing_id: requiredBy,
        });
      for (const d of l.dependencies) await visit(d);
    };
    for (const id of roots) await visit(id);
    if (missing.length) {
      throw new AppError(
        'DEPENDENCY_MISSING',
        'Required skills are not approved public listings and cannot be federated',
        { missing_skills: missing, required_by: requiredBy },
      );
    }
    const ordered: Listing[] = [];
    const done = new Set<string>();
    const place = (l: Listing) => {
      if (done.has(l.id)) return;
      done.add(l.id);
      for (const d of l.dependencies) if (seen.has(d)) place(seen.get(d)!);
      ordered.push(l);
    };
    for (const l of seen.values()) place(l);
    return ordered.map(component);
  }

  async function seal(
    body: Omit<Bundle, 'digest' | 'signature' | 'format' | 'version' | 'source_instance' | 'issued_at' | 'nonce'>,
  ): Promise<Bundle> {
    const unsigned = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      source_instance: ctx.config.publicUrl,
      issued_at: new Date().toISOString(),
      nonce: randomBytes(24).toString('base64url'),
      ...body,
    } as const;
    const value = bundleDigest(unsigned);
    return {
      ...unsigned,
      digest: { alg: 'sha-256', value },
      signature: { alg: 'ed25519', ...(await keys.sign(value)) },
    };
  }

  return {
    async agentTemplate(id: string): Promise<Bundle> {
      const l = await publicListing(templates, id);
      const snapshot = readSnapshot(l.content);
      const required = await skillClosure(snapshot.required_skills, l.id);
      return seal({
        kind: 'agent_template',
        listing: listingView(l),
        agent_template: snapshot,
        skills: required,
        canvas_components: [],
      });
    },
    async skill(id: string): Promise<Bundle> {
      const l = await publicListing(skills, id);
      const deps = await skillClosure(l.dependencies, l.id);
      return seal({ kind: 'skill', listing: listingView(l), skill: component(l), skills: deps, canvas_components: [] });
    },
  };
}

const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false });
(addFormats as unknown as typeof addFormats.default)(ajv);
const checkSchema = ajv.compile(BUNDLE_SCHEMA);

const refuse = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, message, details);

/** Format and version against the JSON Schema; 422 BUNDLE_INVALID with the schema errors. */
export function assertBundleShape(value: unknown): asserts value is Bundle {
  if (!checkSchema(value)) {
    const errors = (checkSchema.errors ?? [])
      .slice(0, 20)
      .map((e) => ({ path: e.instancePath || '/', message: e.message }));
    throw refuse('BUNDLE_INVALID', 'The bundle does not match the atom.bundle v1 schema', { errors });
  }
}

/** Peer URLs and bundle sources compare as origin + path without a trailing slash. */
export function normalizeInstanceUrl(raw: string): string {
  const u = new URL(raw);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
}

/**
 * Everything short of the nonce: schema, source, digest, signature (with one of the peer's
 * keys; `keysFor` may refresh them when the key id is unknown), freshness.
 */
export async function verifyBundle(
  value: unknown,
  peer: { base_url: string },
  keysFor: (keyId: string) => Promise<{ key_id: string; public_key: string }[]>,
  now = Date.now(),
): Promise<Bundle> {
  assertBundleShape(value);
  const b = value;
  if (normalizeInstanceUrl(b.source_instance) !== normalizeInstanceUrl(peer.base_url)) {
    throw refuse('BUNDLE_SOURCE_MISMATCH', 'The bundle was not issued by this peer', {
      source_instance: b.source_instance,
      peer_url: peer.base_url,
    });
  }
  const digest = bundleDigest(b as unknown as Record<string, unknown>);
  if (digest !== b.digest.value)
    throw refuse('BUNDLE_DIGEST_MISMATCH', 'The bundle digest does not match its content', { expected: digest });
  const key = (await keysFor(b.signature.key_id)).find((k) => k.key_id === b.signature.key_id);
  if (!key || !verifyDigest(key.public_key, b.digest.value, b.signature.value)) {
    throw refuse('BUNDLE_SIGNATURE_INVALID', "The bundle signature does not verify with the peer's published key", {
      key_id: b.signature.key_id,
    });
  }
  const issued = Date.parse(b.issued_at);
  if (!(issued >= now - BUNDLE_MAX_AGE_SECONDS * 1000 && issued <= now + MAX_SKEW_SECONDS * 1000)) {
    throw refuse(
      'BUNDLE_EXPIRED',
      `The bundle was issued at ${b.issued_at}; bundles are accepted for ${BUNDLE_MAX_AGE_SECONDS} seconds`,
      { issued_at: b.issued_at, max_age_seconds: BUNDLE_MAX_AGE_SECONDS },
    );
  }
  return b;
}
