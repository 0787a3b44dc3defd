import { roleAtMost, type Role } from '../../platform/auth/permissions.js';
import type { AppContext } from '../../platform/context.js';
import { hashPassword } from '../../platform/crypto.js';
import type { Executor } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as users from '../auth/repo.js';
import * as repo from './repo.js';

/** Who acts on the membership list: nobody grants, changes or removes a role above their own. */
export interface Acting {
  userId: string | null;
  role: Role;
}

function ensureCanManage(actor: Acting, ...roles: Role[]) {
  for (const role of roles) {
    if (!roleAtMost(role, actor.role)) {
      throw new AppError('INSUFFICIENT_PERMISSIONS', `A ${actor.role} cannot manage the ${role} role`, { required_permission: 'MEMBER_MANAGE', role: actor.role });
    }
  }
}

async function ensureOwnerRemains(ex: Executor, tenantId: string, leaving: string) {
  const owners = await repo.lockOwners(ex, tenantId);
  if (owners.length === 1 && owners[0] === leaving) throw new AppError('CONFLICT', 'A tenant must keep at least one owner');
}

export function membersService(ctx: AppContext) {
  return {
    list: (tenantId: string, limit: number, offset: number) => repo.listMembers(ctx.db.as(tenantId), tenantId, limit, offset),

    /** Adds an existing user, or creates the account when a password is given. */
    async add(tenantId: string, actor: Acting, input: { email: string; role: Role; password?: string; name?: string }) {
      ensureCanManage(actor, input.role);
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      return ctx.db.tx(tenantId, async (ex) => {
        let user = await users.findUserByEmail(ex, input.email);
        if (!user) {
          if (!passwordHash) throw new AppError('MISSING_REQUIRED_FIELD', 'password is required for a new account', { field: 'password' });
          user = await users.insertUser(ex, { id: newId('usr'), email: input.email, name: input.name ?? null, passwordHash });
        }
        if (await repo.getMember(ex, tenantId, user.id)) throw new AppError('ALREADY_EXISTS', `${input.email} is already a member`);
        await users.insertMembership(ex, tenantId, user.id, input.role);
        await ctx.outbox.emit(ex, tenantId, 'member.added', { user_id: user.id, role: input.role });
        return (await repo.getMember(ex, tenantId, user.id))!;
      });
    },

    async changeRole(tenantId: string, actor: Acting, userId: string, role: Role) {
      const member = await ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.getMember(ex, tenantId, userId);
        if (!current) throw notFound('NOT_FOUND', 'Member', userId);
        ensureCanManage(actor, current.role, role);
        if (current.role === 'owner' && role !== 'owner') await ensureOwnerRemains(ex, tenantId, userId);
        await repo.setRole(ex, tenantId, userId, role);
        await ctx.outbox.emit(ex, tenantId, 'member.updated', { user_id: userId, role });
        return { ...current, role };
      });
      ctx.resolver.clear();
      return member;
    },

    async remove(tenantId: string, actor: Acting, userId: string) {
      await ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.getMember(ex, tenantId, userId);
        if (!current) throw notFound('NOT_FOUND', 'Member', userId);
        ensureCanManage(actor, current.role);
        if (current.role === 'owner') await ensureOwnerRemains(ex, tenantId, userId);
        await repo.removeMember(ex, tenantId, userId);
        await ctx.outbox.emit(ex, tenantId, 'member.removed', { user_id: userId });
      });
      ctx.resolver.clear();
    },
  };
}
