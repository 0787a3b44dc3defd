import { signAccessToken } from '../../platform/auth/jwt.js';
import type { AppContext } from '../../platform/context.js';
import { hashPassword, verifyPassword } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { createTenant } from '../tenants/service.js';
import * as repo from './repo.js';

/** Kept constant-time-ish: a missing user still costs one scrypt. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const TEST_TENANT_ID = 'test-tenant-id';

export function authService(ctx: AppContext) {
  async function session(userId: string, tenantId?: string) {
    const ex = ctx.db.as(SYSTEM);
    const user = (await repo.getUser(ex, userId))!;
    const tenants = await repo.membershipsOf(ex, userId);
    const current = tenantId ? tenants.find((t) => t.tenant_id === tenantId) : tenants[0];
    if (!current) {
      throw tenantId
        ? new AppError('TENANT_NOT_FOUND', `You are not a member of tenant '${tenantId}'`)
        : new AppError('TENANT_NOT_FOUND', 'This user belongs to no tenant');
    }
    const token = await signAccessToken(
      ctx.config.jwtSecret,
      { userId, tenantId: current.tenant_id },
      ctx.config.jwtTtlSeconds,
    );
    return {
      access_token: token,
      token,
      token_type: 'Bearer' as const,
      expires_in: ctx.config.jwtTtlSeconds,
      user: { id: user.id, email: user.email, name: user.name },
      tenant_id: current.tenant_id,
      role: current.role,
      tenants,
    };
  }

  return {
    /** A new user with a new tenant (free plan) that they own. */
    async signup(input: { email: string; password: string; name?: string; tenant_name: string }) {
      if (await repo.findUserByEmail(ctx.db.as(SYSTEM), input.email)) {
        throw new AppError('EMAIL_TAKEN', 'An account with this email already exists; log in instead', {
          field: 'email',
        });
      }
      const created = await createTenant(ctx, {
        name: input.tenant_name,
        plan: 'free',
        owner: { email: input.email, password: input.password, name: input.name },
      });
      return session(created.owner!.id, created.tenant.id);
    },

    async login(input: { email: string; password: string; tenant_id?: string }) {
      const user = await repo.findUserByEmail(ctx.db.as(SYSTEM), input.email);
      const valid = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !valid) throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
      return session(user.id, input.tenant_id);
    },

    /** A new token for another tenant the signed-in user belongs to (the console's tenant switcher). */
    async switchTenant(userId: string, tenantId: string) {
      return session(userId, tenantId);
    },

    /**
     * Seed test mode (only when ATOM_TEST_SECRET is set): makes sure the enterprise test tenant
     * `test-tenant-id` and the user exist, then logs in.
     */
    async testLogin(input: { email: string; password: string }) {
      const ex = ctx.db.as(SYSTEM);
      const tenantExists = (await ex.query('SELECT 1 FROM tenants WHERE id = $1', [TEST_TENANT_ID])).length > 0;
      let user = await repo.findUserByEmail(ex, input.email);
      if (user && !(await verifyPassword(input.password, user.password_hash)))
        throw new AppError('INVALID_CREDENTIALS', 'Invalid email or password');
      if (!tenantExists) {
        await createTenant(ctx, {
          id: TEST_TENANT_ID,
          name: 'Test Tenant',
          plan: 'enterprise',
          owner: { email: input.email, password: input.password },
        });
        user = await repo.findUserByEmail(ex, input.email);
      } else if (!user) {
        user = await ctx.db.tx(SYSTEM, async (tx) => {
          const u = await repo.insertUser(tx, {
            id: `usr_test_${Date.now().toString(36)}`,
            email: input.email,
            name: null,
            passwordHash: await hashPassword(input.password),
          });
          await repo.insertMembership(tx, TEST_TENANT_ID, u.id, 'owner');
          return u;
        });
      } else if (!(await repo.membershipsOf(ex, user.id)).some((m) => m.tenant_id === TEST_TENANT_ID)) {
        await repo.insertMembership(ctx.db.as(TEST_TENANT_ID), TEST_TENANT_ID, user.id, 'owner');
      }
      return session(user!.id, TEST_TENANT_ID);
    },
  };
}
