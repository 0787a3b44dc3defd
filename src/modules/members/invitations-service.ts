import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import * as users from '../auth/users.js';
import * as invitations from './invitations-repo.js';
import * as repo from './repo.js';

/** The invitee's view: which tenant, which role, until when. */
const inviteeView = (i: invitations.InvitationRow & { tenant_name: string }) => ({
  id: i.id,
  tenant_id: i.tenant_id,
  tenant_name: i.tenant_name,
  role: i.role,
  status: i.status,
  expires_at: i.expires_at,
  created_at: i.created_at,
});

/**
 * The signed-in user's side of invitations: those addressed to their account's email, in any
 * tenant. Anything else (another person's invitation, an answered or expired one) is 404.
 */
export function invitationsService(ctx: AppContext) {
  const sys = ctx.db.as(SYSTEM);

  async function emailOf(userId: string): Promise<string> {
    const user = await users.getUser(sys, userId);
    if (!user) throw new AppError('UNAUTHORIZED', 'The token no longer names a user');
    return user.email;
  }

  async function pendingFor(userId: string, id: string) {
    const found = await invitations.findPendingForEmail(sys, id, await emailOf(userId));
    if (!found) throw notFound('NOT_FOUND', 'Invitation', id);
    return found;
  }

  return {
    async mine(userId: string) {
      return (await invitations.pendingForEmail(sys, await emailOf(userId))).map(inviteeView);
    },

    /** Joins the inviting tenant with the invited role, in one transaction with the invitation's answer. */
    async accept(userId: string, id: string) {
      const found = await pendingFor(userId, id);
      const tenantId = found.tenant_id;
      const done = await ctx.db.tx(tenantId, async (ex) => {
        const locked = await invitations.lockPending(ex, tenantId, id);
        if (!locked) throw notFound('NOT_FOUND', 'Invitation', id);
        if (await repo.getMember(ex, tenantId, userId))
          throw new AppError('ALREADY_EXISTS', 'You are already a member of this tenant');
        await users.insertMembership(ex, tenantId, userId, locked.role);
        const accepted = (await invitations.setStatus(ex, tenantId, id, 'accepted'))!;
        await ctx.outbox.emit(ex, tenantId, 'member.added', { user_id: userId, role: locked.role, invitation_id: id });
        return accepted;
      });
      ctx.resolver.clear();
      return {
        invitation: inviteeView({ ...done, tenant_name: found.tenant_name }),
        membership: { tenant_id: tenantId, tenant_name: found.tenant_name, role: done.role },
      };
    },

    async decline(userId: string, id: string) {
      const found = await pendingFor(userId, id);
      const done = await ctx.db.tx(found.tenant_id, async (ex) => {
        const declined = await invitations.setStatus(ex, found.tenant_id, id, 'declined');
        if (!declined) throw notFound('NOT_FOUND', 'Invitation', id);
        await ctx.outbox.emit(ex, found.tenant_id, 'member.invitation_declined', { invitation_id: id });
        return declined;
      });
      return { invitation: inviteeView({ ...done, tenant_name: found.tenant_name }) };
    },
  };
}
