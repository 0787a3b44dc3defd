import type { AppContext } from '../../platform/context.js';
import { hashPassword } from '../../platform/crypto.js';
import { type Executor, SYSTEM } from '../../platform/db/index.js';
import { AppError, isUniqueViolation, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Plan } from '../../platform/plans.js';
import type { ApiKey } from '../api-keys/schemas.js';
import { issueKey } from '../api-keys/service.js';
import * as users from '../auth/users.js';
import * as repo from './repo.js';
import type { Tenant, UpdateTenantBody } from './schemas.js';

export interface NewTenant {
  name: string;
  plan?: Plan;
  /** Fixed id (the seed's `test-tenant-id`); normally generated. */
  id?: string;
  owner?: { email: string; password?: string; name?: string };
}

export interface CreatedTenant {
  tenant: Tenant;
  owner: { id: string; email: string } | null;
  api_key: ApiKey;
  key: string;
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'tenant'
  );
}

async function freeSlug(ex: Executor, name: string): Promise<string> {
  const base = slugify(name);
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    if (!(await repo.slugTaken(ex, slug))) return slug;
  }
}

/**
 * A tenant is born with its owner (when an email is given; an existing user simply joins) and
 * a first API key with the owner's powers, in one transaction.
 */
export async function createTenant(ctx: AppContext, input: NewTenant): Promise<CreatedTenant> {
  const id = input.id ?? newId('tnt');
  const passwordHash = input.owner?.password ? await hashPassword(input.owner.password) : null;
  try {
    return await ctx.db.tx(SYSTEM, async (ex) => {
      const tenant = await repo.insertTenant(ex, {
        id,
        name: input.name,
        slug: await freeSlug(ex, input.name),
        plan: input.plan ?? 'free',
      });
      let owner: CreatedTenant['owner'] = null;
      if (input.owner) {
        let user = await users.findUserByEmail(ex, input.owner.email);
        if (!user) {
          if (!passwordHash)
            throw new AppError('MISSING_REQUIRED_FIELD', 'owner_password is required for a new owner', {
              field: 'owner_password',
            });
          user = await users.insertUser(ex, {
            id: newId('usr'),
            email: input.owner.email,
            name: input.owner.name ?? null,
            passwordHash,
          });
        }
        await users.insertMembership(ex, id, user.id, 'owner');
        owner = { id: user.id, email: user.email };
      }
      const issued = await issueKey(
        ex,
        id,
        { userId: owner?.id ?? null, role: 'owner' },
        { name: 'First key', role: 'owner' },
      );
      await ctx.outbox.emit(ex, id, 'tenant.created', { tenant_id: id, name: tenant.name, plan: tenant.plan });
      return { tenant, owner, ...issued };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'tenants_pkey')) throw new AppError('ALREADY_EXISTS', `Tenant '${id}' already exists`);
    throw err;
  }
}

export function tenantsService(ctx: AppContext) {
  return {
    create: (input: NewTenant) => createTenant(ctx, input),

    list: (limit: number, offset: number) => repo.listTenants(ctx.db.as(SYSTEM), limit, offset),

    async get(id: string): Promise<Tenant> {
      const tenant = await repo.getTenant(ctx.db.as(id), id);
      if (!tenant) throw notFound('TENANT_NOT_FOUND', 'Tenant', id);
      return tenant;
    },

    /** Plan, status and limits are the platform admin's to change; credentials see it within the cache bound. */
    async update(id: string, patch: UpdateTenantBody): Promise<Tenant> {
      const tenant = await ctx.db.tx(id, async (ex) => {
        const updated = await repo.updateTenant(ex, id, patch);
        if (updated) await ctx.outbox.emit(ex, id, 'tenant.updated', { tenant_id: id, changes: patch });
        return updated;
      });
      if (!tenant) throw notFound('TENANT_NOT_FOUND', 'Tenant', id);
      ctx.resolver.clear();
      return tenant;
    },
  };
}
