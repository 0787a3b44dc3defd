import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { marketplaceEngine } from '../marketplace/service.js';
import { callerOf } from '../skills/caller.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleBuilder } from './bundle.js';
import { federationInstaller } from './install.js';
import { setupFederation } from './module.js';
import * as S from './schemas.js';
import { WELL_KNOWN_PATH } from './service.js';
import { instanceKeys } from './signing.js';
import { agentItem, skillItem } from './view.js';

const tags = ['Federation'];
const V1 = '/api/federation/v1/marketplace';

/**
 * Federation: the peer-facing API (X-Federation-Key), the well-known key document, and
 * install_from_bundle for tenants. Peers and keys: admin-routes.ts.
 */
export const federationRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    await setupFederation(ctx, app.log);
    const bundles = bundleBuilder(ctx);
    const installer = federationInstaller(ctx);
    const keys = instanceKeys(ctx);
    const templates = marketplaceEngine(ctx, 'agent_template', { notFoundCode: 'AGENT_NOT_FOUND' });
    const skills = marketplaceEngine(ctx, 'skill');
    const paged = (page = 1, size = 50) => ({ limit: size, offset: (page - 1) * size, page, page_size: size });

    app.get(
      WELL_KNOWN_PATH,
      {
        schema: {
          tags,
          summary: "This instance's federation identity and Ed25519 public keys",
          response: { 200: S.WellKnownResponse },
        },
        config: { auth: 'public' },
      },
      async () => ({
        instance_url: ctx.config.publicUrl,
        federation_api: `${ctx.config.publicUrl}/api/federation/v1`,
        bundle_format: { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, schema: 'docs/federation/bundle.schema.json' },
        public_keys: (await keys.published()).map((k) => ({
          ...k,
          jwk: { kty: 'OKP', crv: 'Ed25519', x: k.public_key, kid: k.key_id, use: 'sig' },
        })),
      }),
    );

    app.get(
      `${V1}/agents`,
      {
        schema: {
          tags,
          summary: 'Discover approved public agent templates (peers)',
          querystring: S.DiscoverQuery,
          response: { 200: S.DiscoverResponse },
        },
        config: { auth: 'federation' },
      },
      async (req) => {
        const { page, page_size, capability, pricing_tier, maturity_level, min_rating, query, category } = req.query;
        const p = paged(page, page_size);
        const contentMatch: Record<string, unknown> = {};
        if (capability) contentMatch.capabilities = [capability];
        if (pricing_tier) contentMatch.pricing_tier = pricing_tier;
        if (maturity_level) contentMatch.maturity_level = maturity_level;
        const { items, total } = await templates.search({
          viewer: null,
          query,
          category,
          contentMatch,
          minRating: min_rating,
          marketplaceType: 'public',
          sort: 'popularity',
          limit: p.limit,
          offset: p.offset,
        });
        const list = items.map((l) => agentItem(l, ctx.config.publicUrl));
        return {
          success: true as const,
          items: list,
          agents: list,
          total,
          page: p.page,
          page_size: p.page_size,
          has_more: p.offset + items.length < total,
          source_instance: ctx.config.publicUrl,
        };
      },
    );

    app.get(
      `${V1}/agents/:id/bundle`,
      {
        schema: {
          tags,
          summary: 'Download a signed agent template bundle (peers)',
          params: S.IdParams,
          response: { 200: S.BundleResponse },
        },
        config: { auth: 'federation' },
      },
      async (req) => bundles.agentTemplate(req.params.id),
    );

    app.get(
      `${V1}/skills`,
      {
        schema: {
          tags,
          summary: 'Discover approved public skills (peers)',
          querystring: S.SkillDiscoverQuery,
          response: { 200: S.SkillDiscoverResponse },
        },
        config: { auth: 'federation' },
      },
      async (req) => {
        const { page, page_size, min_rating, query, category, skill_type } = req.query;
        const p = paged(page, page_size);
        const { items, total } = await skills.search({
          viewer: null,
          query,
          category,
          subtype: skill_type,
          minRating: min_rating,
          marketplaceType: 'public',
          sort: 'popularity',
          limit: p.limit,
          offset: p.offset,
        });
        const list = items.map((l) => skillItem(l, ctx.config.publicUrl));
        return {
          success: true as const,
          items: list,
          skills: list,
          total,
          page: p.page,
          page_size: p.page_size,
          has_more: p.offset + items.length < total,
          source_instance: ctx.config.publicUrl,
        };
      },
    );

    app.get(
      `${V1}/skills/:id/bundle`,
      {
        schema: {
          tags,
          summary: 'Download a signed skill bundle (peers)',
          params: S.IdParams,
          response: { 200: S.BundleResponse },
        },
        config: { auth: 'federation' },
      },
      async (req) => bundles.skill(req.params.id),
    );

    // --- install_from_bundle: tenants ---
    app.post(
      '/api/federation/install',
      {
        schema: {
          tags,
          summary: 'Install an agent template (or skill) from a registered peer: fetched by id, or a downloaded bundle',
          body: S.InstallBody,
          response: { 200: S.InstallResponse },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const b = req.body;
        const r = await installer.install(callerOf(req), req.principal!.userId, {
          peer_id: b.peer_id,
          source_instance: b.source_instance,
          template_id: b.template_id ?? b.agent_id,
          skill_id: b.skill_id,
          bundle: b.bundle,
        });
        return {
          success: true as const,
          status: 'installed',
          message: r.created ? "Installed from the peer's bundle" : 'Already installed',
          ...r,
        };
      },
    );

    app.get(
      '/api/federation/installs',
      {
        schema: {
          tags,
          summary: 'What this tenant imported from peers, with the source instance',
          querystring: S.ImportsQuery,
          response: { 200: S.ImportsResponse },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { kind, limit = 20, offset = 0 } = req.query;
        const { items, total } = await installer.imports(tenantOf(req), kind ?? null, limit, offset);
        return { success: true as const, items, total, limit, offset };
      },
    );
  };
