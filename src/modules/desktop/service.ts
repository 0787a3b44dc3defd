import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { sha256Hex } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import * as repo from './repo.js';

/**
 * The desktop relay. ATOM never runs a desktop, terminal or docker command itself: it queues the
 * request for a companion device the tenant registered, the device pulls it with its own token,
 * runs it locally and reports the result.
 */
export const KINDS = ['action', 'terminal', 'docker'] as const;
export type Kind = (typeof KINDS)[number];
const ACTION_TTL_MS = 10 * 60_000;
const ONLINE_WINDOW_MS = 60_000;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function deviceView(d: repo.DeviceRow) {
  const seen = d.last_seen_at ? new Date(d.last_seen_at).getTime() : 0;
  return {
    id: d.id,
    name: d.name,
    platform: d.platform,
    capabilities: d.capabilities,
    online: Date.now() - seen < ONLINE_WINDOW_MS,
    last_seen_at: iso(d.last_seen_at),
    created_at: iso(d.created_at)!,
  };
}

export function actionView(a: repo.ActionRow) {
  return {
    id: a.id,
    device_id: a.device_id,
    kind: a.kind,
    payload: a.payload,
    status: a.status,
    result: a.result,
    expires_at: iso(a.expires_at)!,
    delivered_at: iso(a.delivered_at),
    completed_at: iso(a.completed_at),
    created_at: iso(a.created_at)!,
    poll_url: `/api/desktop/actions/${a.id}`,
  };
}

export function desktopService(ctx: AppContext) {
  async function authenticateDevice(token: string | undefined): Promise<repo.DeviceRow> {
    const device = token ? await repo.deviceByToken(ctx.db.as(SYSTEM), sha256Hex(token)) : null;
    if (!device) throw new AppError('UNAUTHORIZED', 'A valid X-Device-Token is required');
    return device;
  }

  return {
    async register(
      tenantId: string,
      by: string | null,
      input: { name: string; platform?: string; capabilities?: Kind[] },
    ) {
      const token = `dvc_${randomBytes(24).toString('base64url')}`;
      const device = await repo.insertDevice(ctx.db.as(tenantId), tenantId, {
        id: newId('dev'),
        name: input.name,
        platform: input.platform ?? null,
        capabilities: input.capabilities ?? [...KINDS],
        tokenHash: sha256Hex(token),
        by,
      });
      return { device: deviceView(device), device_token: token };
    },

    async revoke(tenantId: string, id: string) {
      if (!(await repo.revokeDevice(ctx.db.as(tenantId), tenantId, id))) throw notFound('NOT_FOUND', 'Device', id);
    },

    async status(tenantId: string) {
      const ex = ctx.db.as(tenantId);
      await repo.expireActions(ex, tenantId);
      const devices = (await repo.listDevices(ex, tenantId)).map(deviceView);
      return {
        relay: true,
        executes_on_server: false,
        devices,
        online: devices.some((d) => d.online),
        actions: await repo.countByStatus(ex, tenantId),
      };
    },

    /** Queues work for a device that is registered for this kind of work. */
    async enqueue(tenantId: string, by: string | null, deviceId: string, kind: Kind, payload: Record<string, unknown>) {
      const ex = ctx.db.as(tenantId);
      const device = await repo.getDevice(ex, tenantId, deviceId);
      if (!device) throw notFound('NOT_FOUND', 'Device', deviceId);
      if (!device.capabilities.includes(kind)) {
        throw new AppError('FORBIDDEN', `Device '${device.name}' does not accept ${kind} requests`, {
          capabilities: device.capabilities,
        });
      }
      const action = await ctx.db.tx(tenantId, async (tx) => {
        const row = await repo.insertAction(tx, tenantId, {
          id: newId('dact'),
          deviceId,
          kind,
          payload,
          by,
          expiresAt: new Date(Date.now() + ACTION_TTL_MS),
        });
        await ctx.outbox.emit(tx, tenantId, 'desktop.action_queued', { action_id: row.id, device_id: deviceId, kind });
        return row;
      });
      return actionView(action);
    },

    async getAction(tenantId: string, id: string) {
      const ex = ctx.db.as(tenantId);
      await repo.expireActions(ex, tenantId);
      const action = await repo.getAction(ex, tenantId, id);
      if (!action) throw notFound('NOT_FOUND', 'Desktop action', id);
      return actionView(action);
    },

    /** Device side: the queued work for this device, handed out once. */
    async pull(token: string | undefined, max: number) {
      const device = await authenticateDevice(token);
      const actions = await repo.takeQueued(ctx.db.as(device.tenant_id), device.tenant_id, device.id, max);
      return { device_id: device.id, actions: actions.map(actionView) };
    },

    async report(
      token: string | undefined,
      actionId: string,
      outcome: { status: 'completed' | 'failed'; output?: unknown; exit_code?: number; error?: string },
    ) {
      const device = await authenticateDevice(token);
      const tenantId = device.tenant_id;
      const action = await ctx.db.tx(tenantId, async (tx) => {
        const row = await repo.completeAction(tx, tenantId, device.id, actionId, outcome.status, {
          output: outcome.output ?? null,
          exit_code: outcome.exit_code ?? null,
          error: outcome.error ?? null,
        });
        if (!row)
          throw new AppError(
            'CONFLICT',
            'No delivered action with this id for this device (unknown, not yet pulled, or already reported)',
          );
        await ctx.outbox.emit(tx, tenantId, 'desktop.action_completed', {
          action_id: row.id,
          device_id: device.id,
          kind: row.kind,
          status: row.status,
        });
        return row;
      });
      return actionView(action);
    },
  };
}
