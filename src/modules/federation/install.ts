import type { AppContext } from '../../platform/context.js';
import { type Executor, SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { safeFetch } from '../../platform/net/safe-fetch.js';
import { templateInstaller } from '../agent-templates/install.js';
import { templateEngine } from '../agent-templates/service.js';
import { buildSnapshot } from '../agent-templates/snapshot.js';
import type { Caller, Listing, PublishInput } from '../marketplace/service.js';
import { type NewSkill, skillsService } from '../skills/service.js';
import { BUNDLE_MAX_AGE_SECONDS, type Bundle, type BundleKind, type Component, verifyBundle } from './bundle.js';
import * as repo from './repo.js';
import { federationService } from './service.js';

export interface InstallRequest {
  peer_id?: string;
  source_instance?: string;
  template_id?: string;
  skill_id?: string;
  bundle?: unknown;
}

const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
const arr = <T>(v: unknown, keep: (x: unknown) => boolean = () => true) =>
  Array.isArray(v) ? (v.filter(keep) as T[]) : [];
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const objOf = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const pkg = (x: unknown) => !!objOf(x) && typeof (x as { name?: unknown }).name === 'string';
const invalid = (message: string, details?: Record<string, unknown>) =>
  new AppError('BUNDLE_INVALID', message, details);

/** A bundled skill as the skills module's own input, its dependencies renamed to this tenant's copies. */
function toNewSkill(c: Component, deps: string[]): NewSkill {
  const x = c.content;
  return {
    name: c.listing.name.slice(0, 200),
    description: c.listing.description,
    skill_type: c.listing.subtype ?? 'function',
    input_schema: objOf(x.input_schema),
    output_schema: objOf(x.output_schema),
    config: objOf(x.config),
    config_schema: c.config_schema ?? undefined,
    code: str(x.code),
    endpoint: str(x.endpoint),
    action: str(x.action),
    python_packages: arr(x.python_packages, pkg),
    npm_packages: arr(x.npm_packages, pkg),
    high_risk: x.high_risk === true,
    risk_reason: str(x.risk_reason),
    license: str(x.license),
    repository_url: str(x.repository_url),
    dependencies: deps,
    category: c.listing.category,
    tags: c.listing.tags,
  };
}

/**
 * install_from_bundle: fetch (or accept) a bundle from a registered peer, verify it, copy its
 * listings into the caller's tenant as private listings (one per origin listing, reused on
 * re-install), then install through the normal template/skill install path.
 */
export function federationInstaller(ctx: AppContext) {
  const fed = federationService(ctx);
  const skills = skillsService(ctx);
  const templates = templateEngine(ctx);
  const installer = templateInstaller(ctx);
  const sys = ctx.db.as(SYSTEM);

  async function fetchBundle(peer: repo.PeerRow, kind: BundleKind, id: string): Promise<unknown> {
    const key = fed.outboundKey(peer);
    if (!key)
      throw new AppError(
        'INSTALL_FAILED',
        'No federation key is registered for this peer; set outbound_key on the peer',
        { peer_id: peer.id },
      );
    const url =
      `${peer.base_url}/api/federation/v1/marketplace/${kind === 'skill' ? 'skills' : 'agents'}/` +
      `${encodeURIComponent(id)}/bundle`;
    const res = await safeFetch(url, {
      headers: { 'x-federation-key': key, 'x-federation-source': ctx.config.publicUrl, accept: 'application/json' },
      allowLoopback: ctx.config.allowInsecureWebhooks,
      timeoutMs: 15_000,
      maxResponseBytes: MAX_BUNDLE_BYTES,
    }).catch((err: Error) => {
      throw new AppError('FEDERATION_PEER_ERROR', `Could not reach the peer: ${err.message}`, { peer_id: peer.id });
    });
    let body: { error?: { code?: string } } | null = null;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      /* reported below */
    }
    if (res.status === 404)
      throw new AppError(
        kind === 'skill' ? 'SKILL_NOT_FOUND' : 'AGENT_NOT_FOUND',
        `The peer has no public ${kind} '${id}'`,
        { id, peer_id: peer.id },
      );
    if (res.status !== 200) {
      throw new AppError('FEDERATION_PEER_ERROR', `The peer answered ${res.status}`, {
        peer_id: peer.id,
        peer_status: res.status,
        peer_code: body?.error?.code ?? null,
      });
    }
    if (!body) throw invalid('The peer did not answer with a JSON bundle');
    return body;
  }

  /** The peer's keys; an unknown key id refreshes them from its well-known document once. */
  const keysFor = (peer: repo.PeerRow) => async (keyId: string) => {
    if (peer.public_keys.some((k) => k.key_id === keyId)) return peer.public_keys;
    const fetched = await fed.fetchPublicKeys(peer.base_url).catch(() => []);
    if (fetched.some((k) => k.key_id === keyId)) await repo.updatePeer(sys, peer.id, { public_keys: fetched });
    return fetched;
  };

  /** This tenant's copy of an origin listing, while the copy still exists and is live. */
  async function existing(
    caller: Caller,
    peerId: string,
    kind: string,
    originId: string,
    owned: (t: string, id: string) => Promise<Listing>,
  ) {
    const row = await repo.findImport(ctx.db.as(caller.tenantId), caller.tenantId, peerId, kind, originId);
    if (!row) return null;
    const copy = await owned(caller.tenantId, row.local_listing_id).catch(() => null);
    return copy?.status === 'approved' ? row : null;
  }

  const recordIn = (
    ex: Executor,
    caller: Caller,
    peer: repo.PeerRow,
    b: Bundle,
    kind: string,
    originId: string,
    localId: string,
    extra: { agent_id?: string; installation_id?: string } = {},
  ) =>
    repo.upsertImport(ex, caller.tenantId, {
      id: newId('fimp'),
      peer_id: peer.id,
      source_instance: b.source_instance,
      kind,
      origin_listing_id: originId,
      local_listing_id: localId,
      digest: b.digest.value,
      agent_id: extra.agent_id ?? null,
      installation_id: extra.installation_id ?? null,
    });
  const record = (
    caller: Caller,
    peer: repo.PeerRow,
    b: Bundle,
    kind: string,
    originId: string,
    localId: string,
    extra: { agent_id?: string; installation_id?: string } = {},
  ) => ctx.db.tx(caller.tenantId, (ex) => recordIn(ex, caller, peer, b, kind, originId, localId, extra));

  /** Copies the bundled skills (dependencies first) as private skills; returns origin id → local id. */
  async function materialiseSkills(
    caller: Caller,
    peer: repo.PeerRow,
    b: Bundle,
    list: Component[],
  ): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const c of list) {
      const deps = c.dependencies.map((d) => map.get(d));
      if (deps.some((d) => !d))
        throw invalid(`Skill ${c.listing.id} depends on a skill the bundle does not carry (or carries later)`, {
          skill_id: c.listing.id,
        });
      const prior = await existing(caller, peer.id, 'skill', c.listing.id, skills.engine.owned);
      if (prior) {
        map.set(c.listing.id, prior.local_listing_id);
        continue;
      }
      // The private copy and its import record commit together: a crash between them cannot leave an unrecorded copy.
      const input = await skills.privateInput(caller, toNewSkill(c, deps as string[]));
      const localId = await ctx.db.tx(caller.tenantId, async (ex) => {
        const copy = await skills.engine.publishIn(ex, caller, input);
        await recordIn(ex, caller, peer, b, 'skill', c.listing.id, copy.id);
        return copy.id;
      });
      map.set(c.listing.id, localId);
    }
    return map;
  }

  async function materialiseTemplate(
    caller: Caller,
    peer: repo.PeerRow,
    b: Bundle,
    skillIds: Map<string, string>,
  ): Promise<string> {
    const snap = b.agent_template!;
    const prior = await existing(caller, peer.id, 'agent_template', b.listing.id, templates.owned);
    if (prior) return prior.local_listing_id;
    const required = snap.required_skills.map((id) => skillIds.get(id));
    if (required.some((id) => !id))
      throw invalid('The template requires a skill the bundle does not carry', {
        required_skills: snap.required_skills,
      });
    const snapshot = buildSnapshot({
      name: snap.name,
      description: snap.description,
      role: snap.role,
      maturity_level: snap.maturity_level,
      capabilities: snap.capabilities,
      configuration: snap.configuration,
      required_skills: required as string[],
      pricing_tier: snap.pricing_tier ?? 'free',
    });
    const credentials = [...new Set([...(snap.required_credentials ?? []), ...snapshot.required_credentials])];
    const input: PublishInput = {
      source_id: null,
      name: b.listing.name.slice(0, 200),
      description: b.listing.description,
      long_description: b.listing.long_description ?? '',
      category: b.listing.category,
      subtype: snapshot.role,
      tags: b.listing.tags,
      price: b.listing.price ?? 0,
      documentation_url: b.listing.documentation_url ?? null,
      marketplace_type: 'private',
      config_schema: null,
      dependencies: required as string[],
      content: {
        ...snapshot,
        version: snap.version ?? snapshot.version,
        required_credentials: credentials,
        federated_from: {
          source_instance: b.source_instance,
          listing_id: b.listing.id,
          version_id: b.listing.version_id,
          digest: b.digest.value,
        },
      },
    };
    return ctx.db.tx(caller.tenantId, async (ex) => {
      const l = await templates.publishIn(ex, caller, input);
      await recordIn(ex, caller, peer, b, 'agent_template', b.listing.id, l.id);
      return l.id;
    });
  }

  /** Installs of bundles from one peer into one tenant run one after another in this process. */
  const running = new Map<string, Promise<unknown>>();
  async function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const mine: Promise<T> = (running.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
    running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (running.get(key) === mine) running.delete(key);
    }
  }

  /** peer_id, else the source instance named in the request or in the bundle itself. */
  function resolvePeer(r: InstallRequest): Promise<repo.PeerRow> {
    if (r.peer_id) return fed.peer(r.peer_id);
    const named = r.source_instance ?? str(objOf(r.bundle)?.source_instance);
    if (!named)
      throw new AppError('MISSING_REQUIRED_FIELD', 'Send peer_id (or source_instance) to name the peer', {
        fields: ['peer_id', 'source_instance'],
      });
    return fed.peerByUrl(named);
  }

  async function install(caller: Caller, createdBy: string | null, r: InstallRequest) {
    const peer = await resolvePeer(r);
    if (peer.status !== 'active')
      throw new AppError('PEER_NOT_FOUND', `Federation peer '${peer.id}' is disabled`, {
        peer_id: peer.id,
        status: peer.status,
      });
    const wanted: { kind: BundleKind; id: string } | null = r.template_id
      ? { kind: 'agent_template', id: r.template_id }
      : r.skill_id
        ? { kind: 'skill', id: r.skill_id }
        : null;
    if (!wanted && r.bundle === undefined)
      throw new AppError(
        'MISSING_REQUIRED_FIELD',
        'Send template_id (or skill_id) to fetch a bundle from the peer, or bundle',
        { fields: ['template_id', 'skill_id', 'bundle'] },
      );
    const raw = r.bundle !== undefined ? r.bundle : await fetchBundle(peer, wanted!.kind, wanted!.id);
    const b = await verifyBundle(raw, peer, keysFor(peer));
    if (wanted && (b.kind !== wanted.kind || b.listing.id !== wanted.id)) {
      throw invalid(`The bundle carries ${b.kind} ${b.listing.id}, not ${wanted.kind} ${wanted.id}`, {
        bundle_listing_id: b.listing.id,
      });
    }
    if (!(await repo.rememberNonce(sys, peer.id, b.nonce, BUNDLE_MAX_AGE_SECONDS * 3))) {
      throw new AppError('BUNDLE_REPLAYED', 'This bundle (nonce) was already accepted; fetch a fresh bundle', {
        nonce: b.nonce,
      });
    }
    const key = `${caller.tenantId}:${peer.id}`;
    if (b.kind === 'skill') return serial(key, () => installSkill(caller, peer, b));
    return serial(key, () => installTemplate(caller, createdBy, peer, b));
  }

  async function installTemplate(caller: Caller, createdBy: string | null, peer: repo.PeerRow, b: Bundle) {
    const skillIds = await materialiseSkills(caller, peer, b, b.skills);
    const local = await materialiseTemplate(caller, peer, b, skillIds);
    const res = await installer.install(caller, createdBy, { id: local });
    const row = await record(caller, peer, b, 'agent_template', b.listing.id, local, {
      agent_id: res.agent_id,
      installation_id: res.installation_id,
    });
    return {
      kind: 'agent_template' as const,
      ...res,
      origin_template_id: b.listing.id,
      source_instance: row.source_instance,
      peer_id: peer.id,
      imported_skills: [...skillIds].map(([origin_id, local_id]) => ({ origin_id, local_id })),
    };
  }

  async function installSkill(caller: Caller, peer: repo.PeerRow, b: Bundle) {
    const map = await materialiseSkills(caller, peer, b, [...b.skills, b.skill!]);
    const local = map.get(b.skill!.listing.id)!;
    const res = await skills.install(caller, local, {}, null);
    const row = await record(caller, peer, b, 'skill', b.skill!.listing.id, local, { installation_id: res.install_id });
    return {
      kind: 'skill' as const,
      skill_id: local,
      installation_id: res.install_id,
      created: res.created,
      origin_skill_id: b.skill!.listing.id,
      source_instance: row.source_instance,
      peer_id: peer.id,
      imported_skills: [...map].map(([origin_id, local_id]) => ({ origin_id, local_id })),
    };
  }

  return {
    install,
    imports: (tenantId: string, kind: string | null, limit: number, offset: number) =>
      repo.listImports(ctx.db.as(tenantId), tenantId, kind, limit, offset),
  };
}
