import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { type ActionTable, DEFAULT_ACTIONS, REQUIRED_MATURITY } from './policy.js';
import * as repo from './repo.js';

/**
 * The platform's action table with this tenant's overrides applied. Without a prototype: a name such
 * as `constructor` (a valid action pattern) must read as unknown, not as Object's own property.
 */
export async function actionTable(ctx: AppContext, tenantId: string): Promise<ActionTable> {
  return tableOf(await repo.overrides(ctx.db.as(tenantId), tenantId));
}

/** The action table from the tenant's overrides (action → complexity), already read. */
export function tableOf(overrides: Record<string, number>): ActionTable {
  return Object.assign(Object.create(null) as ActionTable, DEFAULT_ACTIONS, overrides);
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function approvalView(a: repo.ApprovalRow) {
  return { ...a, decided_at: iso(a.decided_at), created_at: iso(a.created_at)! };
}

export function governanceService(ctx: AppContext) {
  return {
    async approvals(tenantId: string, f: { status?: string; agentId?: string; limit: number; offset: number }) {
      const { rows, total } = await repo.listApprovals(ctx.db.as(tenantId), tenantId, f);
      return { items: rows.map(approvalView), total };
    },

    async actions(tenantId: string) {
      const overrides = await repo.overrides(ctx.db.as(tenantId), tenantId);
      const table: ActionTable = { ...DEFAULT_ACTIONS, ...overrides };
      return Object.entries(table)
        .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
        .map(([action, complexity]) => ({
          action,
          complexity,
          required_maturity: REQUIRED_MATURITY[complexity as 1 | 2 | 3 | 4],
          overridden: action in overrides,
        }));
    },

    async setAction(tenantId: string, action: string, complexity: number) {
      await repo.setOverride(ctx.db.as(tenantId), tenantId, action, complexity);
      return {
        action,
        complexity,
        required_maturity: REQUIRED_MATURITY[complexity as 1 | 2 | 3 | 4],
        overridden: true,
      };
    },

    async resetAction(tenantId: string, action: string) {
      if (!(await repo.deleteOverride(ctx.db.as(tenantId), tenantId, action))) {
        throw new AppError('NOT_FOUND', `No override for action '${action}'`);
      }
    },
  };
}
