import type { AppContext } from '../../../platform/context.js';
import { decryptSecret, encryptSecret } from '../../../platform/crypto.js';
import { AppError } from '../../../platform/errors.js';
import { agentsService } from '../../agents/service.js';
import { generateSecret } from '../../webhooks/signing.js';
import { assertNoIssues, type NodeIssue, runIssues } from '../checks.js';
import { runnableType } from '../node-kinds.js';
import { findSkill } from '../run/nodes.js';
import { type Workflow, workflowsService } from '../service.js';
import * as repo from './repo.js';
import { scheduleView, syncSchedules } from './schedules.js';

const secretAad = (tenantId: string, id: string) => `workflow-webhook:${tenantId}:${id}`;
export const webhookPath = (id: string) => `/api/workflows/${id}/webhook`;

/** Agents and skills the nodes name must exist in the tenant (templates from `{{…}}` are checked at run time). */
async function referenceIssues(ctx: AppContext, tenantId: string, w: Workflow): Promise<NodeIssue[]> {
  const issues: NodeIssue[] = [];
  for (const [i, n] of w.nodes.entries()) {
    const t = runnableType(n);
    if (!('type' in t) || (t.type !== 'agent' && t.type !== 'skill')) continue;
    const c = n.config ?? {};
    const key = t.type === 'agent' ? (c.agent_id ? 'agent_id' : 'agent') : c.skill_id ? 'skill_id' : 'skill';
    const ref = String(c[key] ?? '');
    if (ref.includes('{{')) continue;
    const found =
      t.type === 'agent'
        ? await agentsService(ctx).resolve(tenantId, ref.startsWith('agt_') ? { id: ref } : { name: ref })
        : await findSkill(ctx, tenantId, ref);
    if (found) continue;
    const where =
      t.type === 'agent'
        ? 'create it or install it from the agent marketplace'
        : 'install it from the skills marketplace';
    const what = t.type === 'agent' ? 'agent' : 'installed skill';
    issues.push({
      node_id: n.id,
      field: `nodes[${i}].config.${key}`,
      message: `node '${n.id}': no ${what} '${ref}' in this tenant (${where})`,
    });
  }
  return issues;
}

/**
 * Activation: a workflow that can run (every node, every agent and skill it names) starts firing
 * its webhook trigger (a URL and a signing secret, shown once) and its schedules.
 */
export function activationService(ctx: AppContext) {
  const workflows = workflowsService(ctx);

  async function triggers(tenantId: string, w: Workflow) {
    const schedules = (await repo.schedulesOf(ctx.db.as(tenantId), tenantId, w.id)).map(scheduleView);
    return { webhook_url: w.active ? `${ctx.config.publicUrl}${webhookPath(w.id)}` : null, schedules };
  }

  return {
    triggers,

    async activate(tenantId: string, id: string, rotateSecret: boolean) {
      const w = await workflows.get(tenantId, id);
      assertNoIssues(runIssues(w.nodes, w.edges), 'The workflow cannot be activated');
      assertNoIssues(await referenceIssues(ctx, tenantId, w), 'The workflow cannot be activated');
      const secret = await ctx.db.tx(tenantId, async (ex) => {
        const current = await repo.sealedSecret(ex, tenantId, id);
        const fresh = !current?.secret || rotateSecret ? generateSecret() : null;
        if (fresh)
          await repo.setSecret(
            ex,
            tenantId,
            id,
            encryptSecret(ctx.config.encryptionKey, fresh, secretAad(tenantId, id)),
          );
        await repo.setActive(ex, tenantId, id, true);
        await syncSchedules(ex, tenantId, id, w.nodes, true);
        await ctx.outbox.emit(ex, tenantId, 'workflow.activated', { workflow_id: id, name: w.name });
        return fresh;
      });
      const now = await workflows.get(tenantId, id);
      const t = await triggers(tenantId, now);
      return { workflow: now, triggers: { webhook: { url: t.webhook_url, secret }, schedules: t.schedules } };
    },

    async deactivate(tenantId: string, id: string) {
      const w = await workflows.get(tenantId, id);
      await ctx.db.tx(tenantId, async (ex) => {
        await repo.setActive(ex, tenantId, id, false);
        await syncSchedules(ex, tenantId, id, w.nodes, false);
        await ctx.outbox.emit(ex, tenantId, 'workflow.deactivated', { workflow_id: id, name: w.name });
      });
      return workflows.get(tenantId, id);
    },

    /** The webhook secret of an active workflow, for verifying a call; null when it does not fire. */
    async webhookSecret(tenantId: string, id: string): Promise<string | null> {
      const row = await repo.sealedSecret(ctx.db.as(tenantId), tenantId, id);
      if (!row?.active || !row.secret) return null;
      return decryptSecret(ctx.config.encryptionKey, row.secret, secretAad(tenantId, id));
    },
  };
}

export const notActive = (id: string) =>
  new AppError('WORKFLOW_NOT_FOUND', `Workflow with ID '${id}' not found or not active`, { id });
