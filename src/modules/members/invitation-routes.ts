import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { invitationsService } from './invitations-service.js';
import { ReceivedInvitation } from './schemas.js';

const tags = ['Members'];
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const Membership = Type.Object({ tenant_id: Type.String(), tenant_name: Type.String(), role: Type.String() });

/** Invitations are answered by a person: a user token (JWT), never an API key or the admin key. */
function userOf(req: FastifyRequest): string {
  const p = req.principal!;
  if (p.kind !== 'user' || !p.userId)
    throw new AppError('FORBIDDEN', 'Only a signed-in user (bearer token) can see and answer invitations');
  return p.userId;
}

/** The invited user's side: list, accept, decline (then POST /api/auth/switch-tenant to work there). */
export const invitationRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const invitations = invitationsService(ctx);

    app.get(
      '/api/invitations',
      {
        schema: {
          tags,
          summary: "Pending invitations addressed to the signed-in user's email, in any tenant",
          response: { 200: Envelope(Type.Object({ invitations: Type.Array(ReceivedInvitation) })) },
        },
      },
      async (req) => ok(req, { invitations: await invitations.mine(userOf(req)) }),
    );

    app.post(
      '/api/invitations/:id/accept',
      {
        schema: {
          tags,
          summary: 'Accept an invitation: join its tenant with the invited role',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ invitation: ReceivedInvitation, membership: Membership })) },
        },
      },
      async (req) => ok(req, await invitations.accept(userOf(req), req.params.id)),
    );

    app.post(
      '/api/invitations/:id/decline',
      {
        schema: {
          tags,
          summary: 'Decline an invitation',
          params: IdParams,
          response: { 200: Envelope(Type.Object({ invitation: ReceivedInvitation })) },
        },
      },
      async (req) => ok(req, await invitations.decline(userOf(req), req.params.id)),
    );
  };
