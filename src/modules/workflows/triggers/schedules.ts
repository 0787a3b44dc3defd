import { CronExpressionParser } from 'cron-parser';
import type { Executor } from '../../../platform/db/index.js';
import type { WorkflowNode } from '../graph.js';
import { runnableType } from '../node-kinds.js';
import * as repo from './repo.js';

/** The next tick of a cron expression in its time zone, after `from`. */
export function nextTick(cron: string, timezone: string, from = new Date()): Date {
  return CronExpressionParser.parse(cron, { tz: timezone, currentDate: from }).next().toDate();
}

/** The schedule triggers of a graph: trigger nodes with `config.cron` (and `config.timezone`, default UTC). */
export function scheduleTriggers(nodes: WorkflowNode[]) {
  return nodes.flatMap((n) => {
    const t = runnableType(n);
    if (!('type' in t) || t.type !== 'trigger' || typeof n.config?.cron !== 'string') return [];
    const timezone = typeof n.config.timezone === 'string' ? n.config.timezone : 'UTC';
    return [{ node_id: n.id, cron: n.config.cron, timezone }];
  });
}

/**
 * Writes an active workflow's schedule rows from its graph (each from its next tick on); an
 * inactive workflow has none. Called on activation, deactivation and every save.
 */
export async function syncSchedules(
  ex: Executor,
  tenantId: string,
  workflowId: string,
  nodes: WorkflowNode[],
  active: boolean,
) {
  const rows = active ? scheduleTriggers(nodes).map((s) => ({ ...s, next_at: nextTick(s.cron, s.timezone) })) : [];
  const current = await repo.schedulesOf(ex, tenantId, workflowId);
  const same =
    current.length === rows.length &&
    rows.every((r) => current.some((c) => c.node_id === r.node_id && c.cron === r.cron && c.timezone === r.timezone));
  if (!same) await repo.replaceSchedules(ex, tenantId, workflowId, rows);
}

export const scheduleView = (s: repo.ScheduleRow) => ({
  node_id: s.node_id,
  cron: s.cron,
  timezone: s.timezone,
  next_at: new Date(s.next_at).toISOString(),
  last_fired_at: s.last_fired_at ? new Date(s.last_fired_at).toISOString() : null,
});
