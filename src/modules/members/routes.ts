import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { PageQuery, Pagination, pagination } from '../../platform/http/pagination.js';
import { AddMemberBody, Invitation, Member, UpdateMemberBody } from './schemas.js';
import { membersService } from './service.js';

const tags = ['Members'];
const UserParams = Type.Object({ user_id: Type.String() });

export const memberRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const members = membersService(ctx);
    const actor = (req: { principal: { userId: string | null; role: string | null } | null }) => ({
      userId: req.principal!.userId,
      role: req.principal!.role as never,
    });

    app.get(
      '/api/members',
      {
        schema: {
          tags,
          summary: 'Users of this tenant and their roles (pending invitations: GET /api/members/invitations)',
          querystring: Type.Object(PageQuery),
          response: { 200: Envelope(Type.Object({ members: Type.Array(Member), pagination: Pagination })) },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await members.list(tenantOf(req), limit, (page - 1) * limit);
        return ok(req, { members: items, pagination: pagination(page, limit, total) });
      },
    );

    app.post(
      '/api/members',
      {
        schema: {
          tags,
          summary:
            'Invite someone by email: a pending invitation (7 days) they accept once signed in; the answer is the ' +
            'same whether or not the email has an account',
          body: AddMemberBody,
          response: { 201: Envelope(Type.Object({ invitation: Invitation })) },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req, reply) =>
        reply.status(201).send(ok(req, { invitation: await members.invite(tenantOf(req), actor(req), req.body) })),
    );

    app.get(
      '/api/members/invitations',
      {
        schema: {
          tags,
          summary: 'Invitations this tenant sent, newest first (pending, expired, accepted, declined, revoked)',
          querystring: Type.Object(PageQuery),
          response: { 200: Envelope(Type.Object({ invitations: Type.Array(Invitation), pagination: Pagination })) },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req) => {
        const { page, limit } = req.query;
        const { items, total } = await members.listInvitations(tenantOf(req), limit, (page - 1) * limit);
        return ok(req, { invitations: items, pagination: pagination(page, limit, total) });
      },
    );

    app.delete(
      '/api/members/invitations/:id',
      {
        schema: {
          tags,
          summary: 'Withdraw a pending invitation',
          params: Type.Object({ id: Type.String() }),
          response: { 200: Envelope(Type.Object({ invitation: Invitation })) },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req) => ok(req, { invitation: await members.revokeInvitation(tenantOf(req), actor(req), req.params.id) }),
    );

    app.patch(
      '/api/members/:user_id',
      {
        schema: {
          tags,
          summary: "Change a member's role (keys they minted above the new role are lowered to it)",
          params: UserParams,
          body: UpdateMemberBody,
          response: { 200: Envelope(Type.Object({ member: Member })) },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req) =>
        ok(req, { member: await members.changeRole(tenantOf(req), actor(req), req.params.user_id, req.body.role) }),
    );

    app.delete(
      '/api/members/:user_id',
      {
        schema: {
          tags,
          summary: 'Remove a member from this tenant (the API keys they minted are revoked)',
          params: UserParams,
          response: {
            200: Envelope(
              Type.Object({ removed: Type.Boolean(), user_id: Type.String(), api_keys_revoked: Type.Integer() }),
            ),
          },
        },
        config: { permission: 'MEMBER_MANAGE' },
      },
      async (req) => {
        const { api_keys_revoked } = await members.remove(tenantOf(req), actor(req), req.params.user_id);
        return ok(req, { removed: true, user_id: req.params.user_id, api_keys_revoked });
      },
    );
  };
