import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { callerOf } from '../skills/caller.js';
import { type InstallResult, templateInstaller } from './install.js';
import * as S from './schemas.js';
import { agentTemplatesService, type ListRequest } from './service.js';
import { publicationStatus, toBrowseItem, toDetail, toItem, toStatus } from './view.js';

const tags = ['Agent marketplace'];
const BASE = '/api/agent-marketplace';
const who = (req: FastifyRequest) => req.principal!.userId;
const installed = (r: InstallResult) => ({
  success: true,
  ...r,
  status: 'installed',
  message: r.created ? 'Agent installed successfully' : 'Agent already installed',
});

/**
 * Agent templates on the shared marketplace engine. Two naming families are served:
 * marketplace-api.txt (`/browse`, `/publish/{agent_id}`, `/install/{template_id}`) and the
 * integration guides (`/agents`, `/agents/search`, `/agents/{id}`, `/publish`, `/install`).
 */
export const agentTemplateRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = agentTemplatesService(ctx);
    const installer = templateInstaller(ctx);

    app.get(
      `${BASE}/browse`,
      {
        schema: {
          tags,
          summary: 'Browse agent templates',
          querystring: S.BrowseQuery,
          response: { 200: S.BrowseResponse },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const limit = req.query.limit ?? 50,
          offset = req.query.offset ?? 0;
        const { items, total } = await svc.search({ viewer: tenantOf(req), limit, offset });
        return { agents: items.map(toBrowseItem), total, limit, offset };
      },
    );

    for (const path of [`${BASE}/agents`, `${BASE}/agents/search`]) {
      app.get(
        path,
        {
          schema: {
            tags,
            summary: 'List or search agent templates',
            querystring: S.ListQuery,
            response: { 200: S.ListResponse },
          },
          config: { permission: 'AGENT_VIEW' },
        },
        async (req) => {
          const { page = 1, page_size = 50, ...f } = req.query;
          const { items, total } = await svc.search({
            ...(f as Omit<ListRequest, 'viewer' | 'limit' | 'offset'>),
            viewer: tenantOf(req),
            limit: page_size,
            offset: (page - 1) * page_size,
          });
          return {
            items: items.map(toItem),
            total,
            page,
            page_size,
            has_more: (page - 1) * page_size + items.length < total,
          };
        },
      );
    }

    app.get(
      `${BASE}/installations`,
      {
        schema: {
          tags,
          summary: "This tenant's installed agent templates (the SDK's listInstallations)",
          querystring: S.InstallationsQuery,
          response: { 200: S.InstallationsResponse },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => {
        const { limit, offset } = req.query;
        const { items, total } = await svc.installations(tenantOf(req), limit, offset);
        return { success: true, installations: items, total, limit, offset, has_more: offset + items.length < total };
      },
    );

    app.get(
      `${BASE}/agents/:id`,
      {
        schema: {
          tags,
          summary: 'Agent template details with its snapshot',
          params: S.IdParams,
          response: { 200: S.DetailResponse },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => ({ success: true, agent: toDetail(await svc.engine.visible(tenantOf(req), req.params.id)) }),
    );

    app.get(
      `${BASE}/agents/:id/status`,
      {
        schema: {
          tags,
          summary: 'Publication status (publisher only)',
          params: S.IdParams,
          response: { 200: S.StatusResponse },
        },
        config: { permission: 'AGENT_VIEW' },
      },
      async (req) => toStatus(await svc.status(tenantOf(req), req.params.id)),
    );

    app.post(
      `${BASE}/publish/:agent_id`,
      {
        schema: {
          tags,
          summary: 'Publish an agent to the public marketplace',
          params: S.AgentIdParams,
          querystring: S.PublishQuery,
          response: { 201: S.PublishByIdResponse },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const l = await svc.publish(callerOf(req), { agent_id: req.params.agent_id, ...req.query });
        return reply.status(201).send({
          success: true,
          template_id: l.id,
          status: l.status,
          message: 'Agent submitted for marketplace review',
        });
      },
    );

    app.post(
      `${BASE}/publish`,
      {
        schema: {
          tags,
          summary: 'Publish an agent (public: pending_approval; private: published at once)',
          body: S.PublishBody,
          response: { 201: S.PublishResponse },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const l = await svc.publish(callerOf(req), req.body);
        const message =
          l.status === 'approved'
            ? 'Agent published to the private marketplace'
            : 'Agent submitted for marketplace review';
        return reply.status(201).send({
          success: true,
          component_id: l.id,
          template_id: l.id,
          status: publicationStatus(l),
          marketplace_type: l.marketplace_type,
          message,
        });
      },
    );

    app.post(
      `${BASE}/install/bulk`,
      {
        schema: {
          tags,
          summary: 'Install several agent templates; one result per item',
          body: S.BulkInstallBody,
          response: { 200: S.BulkResponse },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const { agent_ids, source_tenant_id, target_tenant_id, install_config } = req.body;
        const results = await installer.bulk(
          callerOf(req),
          who(req),
          agent_ids,
          { sourceTenantId: source_tenant_id, targetTenantId: target_tenant_id },
          install_config ?? {},
        );
        const failed = results.filter((r) => r.status === 'failed').length;
        return { success: failed === 0, results, total: results.length, installed: results.length - failed, failed };
      },
    );

    app.post(
      `${BASE}/install/:template_id`,
      {
        schema: {
          tags,
          summary: 'Install an agent template',
          params: S.TemplateIdParams,
          body: S.InstallByIdBody,
          response: { 200: S.InstallResponse },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) =>
        installed(
          await installer.install(callerOf(req), who(req), { id: req.params.template_id }, req.body?.install_config),
        ),
    );

    app.post(
      `${BASE}/install`,
      {
        schema: {
          tags,
          summary: 'Install an agent template (guide form)',
          body: S.InstallBody,
          response: { 200: S.InstallResponse },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req) => {
        const b = req.body;
        return installed(
          await installer.install(
            callerOf(req),
            who(req),
            { id: b.agent_id, sourceTenantId: b.source_tenant_id, targetTenantId: b.target_tenant_id },
            b.install_config,
          ),
        );
      },
    );

    app.post(
      `${BASE}/agents/:id/approve`,
      {
        schema: {
          tags,
          summary: 'Approve a pending template (platform admin)',
          params: S.IdParams,
          response: { 200: S.ApproveResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await svc.engine.review(req.params.id, 'approved', null);
        return { success: true, template_id: l.id, component_id: l.id, status: l.status, approved_at: l.approved_at! };
      },
    );

    app.post(
      `${BASE}/agents/:id/reject`,
      {
        schema: {
          tags,
          summary: 'Reject a pending template (platform admin)',
          params: S.IdParams,
          querystring: S.RejectQuery,
          response: { 200: S.RejectResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const reason = req.query.reason ?? 'Rejected by reviewer';
        const l = await svc.engine.review(req.params.id, 'rejected', reason);
        return { success: true, template_id: l.id, component_id: l.id, status: l.status, reason };
      },
    );
  };
