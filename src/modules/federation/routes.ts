import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { ok } from '../../platform/http/envelope.js';
import { marketplaceEngine } from '../marketplace/service.js';
import { callerOf } from '../skills/caller.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleBuilder } from './bundle.js';
import { federationInstaller } from './install.js';
import { setupFederation } from './module.js';
import * as S from './schemas.js';
import { federationService, peerView, WELL_KNOWN_PATH } from './service.js';
import { instanceKeys } from './signing.js';
import { agentItem, keyView, skillItem } from './view.js';

const tags = ['Federation'];
const V1 = '/api/federation/v1/marketplace';

/**
 * Federation: the peer-facing API (X-Federation-Key), the well-known key document, platform-admin
 * management of peers and inbound keys, and install_from_bundle for tenants.
 */
export const federationRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  await setupFederation(ctx, app.log);
  const svc = federationService(ctx);
  const bundles = bundleBuilder(ctx);
  const installer = federationInstaller(ctx);
  const keys = instanceKeys(ctx);
  const templates = marketplaceEngine(ctx, 'agent_template', { notFoundCode: 'AGENT_NOT_FOUND' });
  const skills = marketplaceEngine(ctx, 'skill');
  const paged = (page = 1, size = 50) => ({ limit: size, offset: (page - 1) * size, page, page_size: size });

  app.get(WELL_KNOWN_PATH, {
    schema: { tags, summary: 'This instance\'s federation identity and Ed25519 public keys', response: { 200: S.WellKnownResponse } },
    config: { auth: 'public' },
  }, async () => ({
    instance_url: ctx.config.publicUrl,
    federation_api: `${ctx.config.publicUrl}/api/federation/v1`,
    bundle_format: { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, schema: 'docs/federation/bundle.schema.json' },
    public_keys: (await keys.published()).map((k) => ({ ...k, jwk: { kty: 'OKP', crv: 'Ed25519', x: k.public_key, kid: k.key_id, use: 'sig' } })),
  }));

  app.get(`${V1}/agents`, {
    schema: { tags, summary: 'Discover approved public agent templates (peers)', querystring: S.DiscoverQuery, response: { 200: S.DiscoverResponse } },
    config: { auth: 'federation' },
  }, async (req) => {
    const { page, page_size, capability, pricing_tier, maturity_level, min_rating, query, category } = req.query;
    const p = paged(page, page_size);
    const contentMatch: Record<string, unknown> = {};
    if (capability) contentMatch.capabilities = [capability];
    if (pricing_tier) contentMatch.pricing_tier = pricing_tier;
    if (maturity_level) contentMatch.maturity_level = maturity_level;
    const { items, total } = await templates.search({ viewer: null, query, category, contentMatch, minRating: min_rating, marketplaceType: 'public', sort: 'popularity', limit: p.limit, offset: p.offset });
    const list = items.map((l) => agentItem(l, ctx.config.publicUrl));
    return { success: true as const, items: list, agents: list, total, page: p.page, page_size: p.page_size, has_more: p.offset + items.length < total, source_instance: ctx.config.publicUrl };
  });

  app.get(`${V1}/agents/:id/bundle`, {
    schema: { tags, summary: 'Download a signed agent template bundle (peers)', params: S.IdParams, response: { 200: S.BundleResponse } },
    config: { auth: 'federation' },
  }, async (req) => bundles.agentTemplate(req.params.id));

  app.get(`${V1}/skills`, {
    schema: { tags, summary: 'Discover approved public skills (peers)', querystring: S.SkillDiscoverQuery, response: { 200: S.SkillDiscoverResponse } },
    config: { auth: 'federation' },
  }, async (req) => {
    const { page, page_size, min_rating, query, category, skill_type } = req.query;
    const p = paged(page, page_size);
    const { items, total } = await skills.search({ viewer: null, query, category, subtype: skill_type, minRating: min_rating, marketplaceType: 'public', sort: 'popularity', limit: p.limit, offset: p.offset });
    const list = items.map((l) => skillItem(l, ctx.config.publicUrl));
    return { success: true as const, items: list, skills: list, total, page: p.page, page_size: p.page_size, has_more: p.offset + items.length < total, source_instance: ctx.config.publicUrl };
  });

  app.get(`${V1}/skills/:id/bundle`, {
    schema: { tags, summary: 'Download a signed skill bundle (peers)', params: S.IdParams, response: { 200: S.BundleResponse } },
    config: { auth: 'federation' },
  }, async (req) => bundles.skill(req.params.id));

  // --- peers and inbound keys: platform admin ---
  app.post('/api/federation/peers', {
    schema: { tags, summary: 'Register a peer instance (platform admin)', body: S.CreatePeerBody, response: { 201: S.PeerResponse } },
    config: { auth: 'admin' },
  }, async (req, reply) => {
    const r = await svc.createPeer(req.body);
    return reply.status(201).send(ok(req, { peer: peerView(r.peer), public_key_status: r.public_key_status }));
  });

  app.get('/api/federation/peers', {
    schema: { tags, summary: 'List peer instances (platform admin)', querystring: S.Paging, response: { 200: S.PeerListResponse } },
    config: { auth: 'admin' },
  }, async (req) => {
    const { limit = 20, offset = 0 } = req.query;
    const { items, total } = await svc.list(limit, offset);
    return ok(req, { peers: items.map(peerView), total, limit, offset });
  });

  app.get('/api/federation/peers/:id', {
    schema: { tags, summary: 'A peer instance (platform admin)', params: S.IdParams, response: { 200: S.PeerResponse } },
    config: { auth: 'admin' },
  }, async (req) => ok(req, { peer: peerView(await svc.peer(req.params.id)) }));

  app.patch('/api/federation/peers/:id', {
    schema: { tags, summary: 'Update a peer: name, our key for it, its public keys, status (platform admin)', params: S.IdParams, body: S.UpdatePeerBody, response: { 200: S.PeerResponse } },
    config: { auth: 'admin' },
  }, async (req) => ok(req, { peer: peerView(await svc.updatePeer(req.params.id, req.body)) }));

  app.delete('/api/federation/peers/:id', {
    schema: { tags, summary: 'Remove a peer and every key issued to it (platform admin)', params: S.IdParams, response: { 200: S.DeletedResponse } },
    config: { auth: 'admin' },
  }, async (req) => {
    await svc.deletePeer(req.params.id);
    return ok(req, { id: req.params.id, deleted: true });
  });

  app.post('/api/federation/keys', {
    schema: { tags, summary: 'Issue an inbound federation key for a peer; shown once (platform admin)', body: S.CreateKeyBody, response: { 201: S.CreatedKeyResponse } },
    config: { auth: 'admin' },
  }, async (req, reply) => {
    const { key, row } = await svc.issueKey(req.body);
    return reply.status(201).send(ok(req, { key, federation_key: keyView(row) }));
  });

  app.get('/api/federation/keys', {
    schema: { tags, summary: 'List inbound federation keys (platform admin)', querystring: S.KeyQuery, response: { 200: S.KeyListResponse } },
    config: { auth: 'admin' },
  }, async (req) => {
    const { peer_id, limit = 20, offset = 0 } = req.query;
    const { items, total } = await svc.keys(peer_id ?? null, limit, offset);
    return ok(req, { keys: items.map(keyView), total, limit, offset });
  });

  app.delete('/api/federation/keys/:id', {
    schema: { tags, summary: 'Revoke an inbound federation key (platform admin)', params: S.IdParams, response: { 200: S.KeyResponse } },
    config: { auth: 'admin' },
  }, async (req) => ok(req, { federation_key: keyView(await svc.revokeKey(req.params.id)) }));

  // --- install_from_bundle: tenants ---
  app.post('/api/federation/install', {
    schema: { tags, summary: 'Install an agent template (or skill) from a registered peer: fetched by id, or a downloaded bundle', body: S.InstallBody, response: { 200: S.InstallResponse } },
    config: { permission: 'MARKETPLACE_INSTALL' },
  }, async (req) => {
    const b = req.body;
    const r = await installer.install(callerOf(req), req.principal!.userId, { peer_id: b.peer_id, source_instance: b.source_instance, template_id: b.template_id ?? b.agent_id, skill_id: b.skill_id, bundle: b.bundle });
    return { success: true as const, status: 'installed', message: r.created ? 'Installed from the peer\'s bundle' : 'Already installed', ...r };
  });

  app.get('/api/federation/installs', {
    schema: { tags, summary: 'What this tenant imported from peers, with the source instance', querystring: S.ImportsQuery, response: { 200: S.ImportsResponse } },
    config: { permission: 'AGENT_VIEW' },
  }, async (req) => {
    const { kind, limit = 20, offset = 0 } = req.query;
    const { items, total } = await installer.imports(tenantOf(req), kind ?? null, limit, offset);
    return { success: true as const, items, total, limit, offset };
  });
};
