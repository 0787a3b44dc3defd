import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { OffsetQuery } from '../../platform/http/pagination.js';
import { Nullable } from '../../platform/http/schema.js';
import type { Advisory, PackageRequest, WhitelistEntry } from './repo.js';
import {
  AdvisoryBody,
  PackageName,
  PackageRequestOut,
  PackageType,
  RequestBody,
  ReviewBody,
  Version,
  Vulnerability,
  WhitelistBody,
  WhitelistOut,
} from './schemas.js';
import { packagesService } from './service.js';

const tags = ['Packages'];
const S = Type.Boolean();
const Id = Type.Object({ id: Type.String() });
const Page = <T extends import('@sinclair/typebox').TSchema>(key: string, item: T) =>
  Type.Object({
    success: S,
    [key]: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    has_more: S,
  });

const requestOut = (r: PackageRequest) => ({ ...r, package_name: r.name });
const whitelistOut = (e: WhitelistEntry) => ({
  package_name: e.name,
  package_type: e.package_type,
  version_range: e.version_range,
  scope: e.tenant_id === '*' ? 'platform' : 'tenant',
  reason: e.reason,
  created_at: e.created_at,
});
const vulnOut = (a: Advisory) => ({
  id: a.id,
  cve: a.cve,
  severity: a.severity,
  description: a.description,
  affected_versions: a.affected,
  safe_version: a.safe_version,
  package_type: a.package_type,
});

/** Tenant side: request a package, see the whitelist, the tenant's packages and a package's advisories. */
export const packageRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const packages = packagesService(ctx);

    app.post(
      '/api/packages/request',
      {
        schema: {
          tags,
          summary: 'Ask the platform admins to whitelist a package',
          body: RequestBody,
          response: {
            201: Type.Object({ success: S, request_id: Type.String(), status: Type.String(), message: Type.String() }),
            200: Type.Object({
              success: S,
              request_id: Nullable(Type.String()),
              status: Type.String(),
              message: Type.String(),
            }),
          },
        },
        config: { permission: 'SKILL_MANAGE' },
      },
      async (req, reply) => {
        const p = req.principal!;
        const r = await packages.request(tenantOf(req), p.userId ?? p.keyId ?? null, req.body);
        if (r.whitelisted)
          return reply.status(200).send({
            success: true,
            request_id: null,
            status: 'approved',
            message: `Package '${req.body.package_name}' is already whitelisted`,
          });
        const message = r.duplicate
          ? 'A request for this package is already pending review'
          : 'Package request submitted for admin review';
        return reply
          .status(r.duplicate ? 200 : 201)
          .send({ success: true, request_id: r.request!.id, status: r.request!.status, message });
      },
    );

    app.get(
      '/api/packages/requests',
      {
        schema: {
          tags,
          summary: "This tenant's package requests",
          querystring: Type.Object({ status: Type.Optional(Type.String()), ...OffsetQuery }),
          response: { 200: Page('requests', PackageRequestOut) },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => {
        const { limit, offset, status } = req.query;
        const { items, total } = await packages.listRequests(tenantOf(req), status, limit, offset);
        return {
          success: true,
          requests: items.map(requestOut),
          total,
          limit,
          offset,
          has_more: offset + items.length < total,
        };
      },
    );

    app.get(
      '/api/packages/whitelist',
      {
        schema: {
          tags,
          summary: 'Packages skills of this tenant may declare',
          response: { 200: Type.Object({ success: S, packages: Type.Array(WhitelistOut) }) },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => ({ success: true, packages: (await packages.whitelist(tenantOf(req))).map(whitelistOut) }),
    );

    app.get(
      '/api/packages/installed',
      {
        schema: {
          tags,
          summary: 'Packages recorded for this tenant by the skills it installed',
          response: {
            200: Type.Object({
              success: S,
              packages: Type.Array(
                Type.Object({
                  package_name: Type.String(),
                  package_type: Type.String(),
                  version: Nullable(Type.String()),
                  required_by: Type.String(),
                  created_at: Type.String(),
                }),
              ),
            }),
          },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => ({
        success: true,
        packages: (await packages.installed(tenantOf(req))).map((p) => ({ ...p, package_name: p.name })),
      }),
    );

    app.get(
      '/api/packages/:name/vulnerabilities',
      {
        schema: {
          tags,
          summary: 'Known vulnerabilities of a package (all, or those affecting `version`)',
          params: Type.Object({ name: PackageName }),
          querystring: Type.Object({ package_type: Type.Optional(PackageType), version: Type.Optional(Version) }),
          response: {
            200: Type.Object({
              success: S,
              package_name: Type.String(),
              version: Nullable(Type.String()),
              vulnerable: S,
              safe_version: Nullable(Type.String()),
              total: Type.Integer(),
              vulnerabilities: Type.Array(Vulnerability),
            }),
          },
        },
        config: { permission: 'SKILL_VIEW' },
      },
      async (req) => {
        const { package_type, version } = req.query;
        const r = await packages.vulnerabilities(req.params.name, package_type, version);
        return {
          success: true,
          package_name: req.params.name,
          version: version ?? null,
          vulnerable: r.advisories.length > 0,
          safe_version: r.safe_version,
          total: r.advisories.length,
          vulnerabilities: r.advisories.map(vulnOut),
        };
      },
    );
  };

/** Platform admin side: the review queue, the whitelist and the advisory database. */
export const packageAdminRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const packages = packagesService(ctx);
    const admin = { auth: 'admin' as const };

    app.get(
      '/api/admin/packages/requests',
      {
        schema: {
          tags,
          summary: 'Package requests of every tenant (default: pending)',
          querystring: Type.Object({ status: Type.String({ default: 'pending' }), ...OffsetQuery }),
          response: { 200: Page('requests', PackageRequestOut) },
        },
        config: admin,
      },
      async (req) => {
        const { limit, offset, status } = req.query;
        const { items, total } = await packages.listRequests(null, status, limit, offset);
        return {
          success: true,
          requests: items.map(requestOut),
          total,
          limit,
          offset,
          has_more: offset + items.length < total,
        };
      },
    );

    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `/api/admin/packages/requests/:id/${decision}`,
        {
          schema: {
            tags,
            params: Id,
            body: Type.Optional(ReviewBody),
            response: { 200: Type.Object({ success: S, request: PackageRequestOut }) },
          },
          config: admin,
        },
        async (req) => {
          const r = await packages.review(req.params.id, { approve: decision === 'approve', ...(req.body ?? {}) });
          return { success: true, request: requestOut(r) };
        },
      );
    }

    app.post(
      '/api/admin/packages/whitelist',
      {
        schema: {
          tags,
          summary: 'Whitelist a package for the platform, or for one tenant',
          body: WhitelistBody,
          response: { 201: Type.Object({ success: S }) },
        },
        config: admin,
      },
      async (req, reply) => {
        await packages.addToWhitelist(req.body);
        return reply.status(201).send({ success: true });
      },
    );

    app.delete(
      '/api/admin/packages/whitelist/:type/:name',
      {
        schema: {
          tags,
          params: Type.Object({ type: PackageType, name: PackageName }),
          querystring: Type.Object({ tenant_id: Type.Optional(Type.String()) }),
          response: { 200: Type.Object({ success: S }) },
        },
        config: admin,
      },
      async (req) => {
        await packages.removeFromWhitelist(req.query.tenant_id, req.params.type, req.params.name);
        return { success: true };
      },
    );

    app.get(
      '/api/admin/packages/advisories',
      {
        schema: {
          tags,
          querystring: Type.Object({ package_name: Type.Optional(Type.String()), ...OffsetQuery }),
          response: {
            200: Page(
              'advisories',
              Type.Composite([
                Vulnerability,
                Type.Object({ package_name: Type.String(), source: Type.String(), updated_at: Type.String() }),
              ]),
            ),
          },
        },
        config: admin,
      },
      async (req) => {
        const { limit, offset, package_name } = req.query;
        const { items, total } = await packages.listAdvisories(limit, offset, package_name);
        return {
          success: true,
          advisories: items.map((a) => ({
            ...vulnOut(a),
            package_name: a.name,
            source: a.source,
            updated_at: a.updated_at,
          })),
          total,
          limit,
          offset,
          has_more: offset + items.length < total,
        };
      },
    );

    app.post(
      '/api/admin/packages/advisories',
      {
        schema: {
          tags,
          summary: 'Add or correct a known vulnerability',
          body: AdvisoryBody,
          response: { 201: Type.Object({ success: S, advisory: Vulnerability }) },
        },
        config: admin,
      },
      async (req, reply) => {
        const a = await packages.upsertAdvisory(req.body);
        return reply.status(201).send({ success: true, advisory: vulnOut(a!) });
      },
    );

    app.delete(
      '/api/admin/packages/advisories/:id',
      {
        schema: { tags, params: Id, response: { 200: Type.Object({ success: S }) } },
        config: admin,
      },
      async (req) => {
        await packages.deleteAdvisory(req.params.id);
        return { success: true };
      },
    );
  };
