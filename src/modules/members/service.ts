import { ROLES, type Role, roleAtMost } from '../../platform/auth/permissions.js';
import { MEMBER_CHANGED_CHANNEL } from '../../platform/auth/resolver.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { forgetKeys, keysFollowMember } from '../api-keys/service.js';
import * as invitations from './invitations-repo.js';
import * as repo from './repo.js';

/** How long an invitation waits for its answer. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

/** Who acts on the membership list: nobody grants, changes or removes a role above their own. */
export interface Acting {
  userId: string | null;
  role: Role;
}

function ensureCanManage(actor: Acting, ...roles: Role[]) {
  for (const role of roles) {
    if (!roleAtMost(role, actor.role)) {
      throw new AppError('INSUFFICIENT_PERMISSIONS', `A ${actor.role} cannot manage the ${role} role`, {
        required_permission: 'MEMBER_MANAGE',
        role: actor.role,
      });
    }
  }
}

async function ensureOwnerRemains(ex: Executor, tenantId: string, leaving: string) {
  const owners = await repo.lockOwners(ex, tenantId);
  if (owners.length === 1 && owners[0] === leaving)
    throw new AppError('CONFLICT', 'A tenant must keep at least one owner');
}

/** Public view of an invitation for the tenant's admins. */
const adminView = ({ tenant_id: _t, ...i }: invitations.InvitationRow) => i;

/** After commit: this process forgets everything cached; the others forget the member's role and their keys. */
async function broadcast(ctx: AppContext, tenantId: string, userId: string, hashes: string[]) {
  ctx.resolver.clear();
  await ctx.bus.publish(MEMBER_CHANGED_CHANNEL, `${tenantId}:${userId}`);
  await forgetKeys(ctx, hashes);
}

export function membersService(ctx: AppContext) {
  /**
   * What a member's leaving or demotion takes with them, in the same transaction: the API keys
   * they minted (revoked, or lowered to the new role) and the pending invitations they sent above
   * the role they keep. Returns the key hashes to forget once committed.
   */
  async function credentialsFollow(
    ex: Executor,
    tenantId: string,
    userId: string,
    newRole: Role | null,
  ): Promise<string[]> {
    const hashes = await keysFollowMember(ex, tenantId, userId, newRole);
    await invitations.revokeSentBy(
      ex,
      tenantId,
      userId,
      ROLES.filter((r) => newRole === null || !roleAtMost(r, newRole)),
    );
    return hashes;
  }

  return {
    list: (tenantId: string, limit: number, offset: number) =>
      repo.listMembers(ctx.db.as(tenantId), tenantId, limit, offset),

    listInvitations: async (tenantId: string, limit: number, offset: number) => {
      const { items, total } = await invitations.listForTenant(ctx.db.as(tenantId), tenantId, limit, offset);
      return { items: items.map(adminView), total };
    },

    /**
     * Invites an email to the tenant: a pending invitation the person accepts once signed in. The
     * answer is the same whether or not an account has that email (no user is looked up here).
     */
    async invite(tenantId: string, actor: Acting, input: { email: string; role: Role }) {
      ensureCanManage(actor, input.role);
      return ctx.db.tx(tenantId, async (ex) => {
        if (await repo.isMemberEmail(ex, tenantId, input.email))
          throw new AppError('ALREADY_EXISTS', `${input.email} is already a member`);
        const inv = await invitations.upsertPending(ex, tenantId, {
          id: newId('inv'),
          email: input.email,
          role: input.role,
          invitedBy: actor.userId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        });
        await ctx.outbox.emit(ex, tenantId, 'member.invited', {
          invitation_id: inv.id,
          email: inv.email,
          role: inv.role,
        });
        return adminView(inv);
      });
    },

    async revokeInvitation(tenantId: string, actor: Acting, id: string) {
      return ctx.db.tx(tenantId, async (ex) => {
        const inv = await invitations.lockPending(ex, tenantId, id);
        if (!inv) throw notFound('NOT_FOUND', 'Pending invitation', id);
        ensureCanManage(actor, inv.role);
        return adminView((await invitations.setStatus(ex, tenantId, id, 'revoked'))!);
      });
    },

    async changeRole(tenantId: string, actor: Acting, userId: string, role: Role) {
      const { member, hashes } = await ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.getMember(ex, tenantId, userId);
        if (!current) throw notFound('NOT_FOUND', 'Member', userId);
        ensureCanManage(actor, current.role, role);
        if (current.role === 'owner' && role !== 'owner') await ensureOwnerRemains(ex, tenantId, userId);
        await repo.setRole(ex, tenantId, userId, role);
        const lowered = await credentialsFollow(ex, tenantId, userId, role);
        await ctx.outbox.emit(ex, tenantId, 'member.updated', {
          user_id: userId,
          role,
          api_keys_lowered: lowered.length,
        });
        return { member: { ...current, role }, hashes: lowered };
      });
      await broadcast(ctx, tenantId, userId, hashes);
      return member;
    },

    async remove(tenantId: string, actor: Acting, userId: string) {
      const hashes = await ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.getMember(ex, tenantId, userId);
        if (!current) throw notFound('NOT_FOUND', 'Member', userId);
        ensureCanManage(actor, current.role);
        if (current.role === 'owner') await ensureOwnerRemains(ex, tenantId, userId);
        await repo.removeMember(ex, tenantId, userId);
        const revoked = await credentialsFollow(ex, tenantId, userId, null);
        await ctx.outbox.emit(ex, tenantId, 'member.removed', { user_id: userId, api_keys_revoked: revoked.length });
        return revoked;
      });
      await broadcast(ctx, tenantId, userId, hashes);
      return { api_keys_revoked: hashes.length };
    },
  };
}
