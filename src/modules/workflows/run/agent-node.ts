import { createHash } from 'node:crypto';
import { agentsService } from '../../agents/service.js';
import { executionChannel } from '../../executions/channel.js';
import { runnerFor } from '../../executions/runtime/shared.js';
import { executionsService } from '../../executions/service.js';
import { type NodeResult, type NodeRun, PermanentNodeError } from './node-run.js';

const POLL_MS = 1000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The execution a node's attempt starts has an id derived from the run, the node and the attempt:
 * a run resumed after a crash finds the execution its earlier attempt started instead of starting
 * another one.
 */
export const executionIdFor = (runId: string, nodeId: string, attempt: number) =>
  `exe_${createHash('sha256').update(`${runId}\u0000${nodeId}\u0000${attempt}`).digest('hex').slice(0, 24)}`;

/**
 * An agent node: the tenant's agent executes the rendered task as any execution does (its
 * governance decides; an approval parks the workflow run until a human decides). The node waits
 * for the execution to end; its output is the execution's result.
 */
export async function runAgentNode(n: NodeRun, input: Record<string, unknown>): Promise<NodeResult> {
  const ref = String(input.agent ?? '');
  const agent = await agentsService(n.ctx).resolve(n.tenantId, ref.startsWith('agt_') ? { id: ref } : { name: ref });
  if (!agent) {
    throw new PermanentNodeError(
      `node '${n.node.id}': no agent '${ref}' in this tenant (create it, or install it from the agent marketplace)`,
    );
  }
  const task = typeof input.task === 'string' ? input.task.trim() : JSON.stringify(input.task ?? '');
  if (!task) throw new PermanentNodeError(`node '${n.node.id}': the task rendered empty`);
  const executions = executionsService(n.ctx, runnerFor(n.ctx));
  const id = executionIdFor(n.runId, n.node.id, n.attempt);
  const context = {
    ...(input.context as Record<string, unknown>),
    workflow_run_id: n.runId,
    workflow_node_id: n.node.id,
  };
  await executions.execute(
    n.tenantId,
    n.requestedBy,
    agent.id,
    {
      task: task.slice(0, 10_000),
      context,
      parameters: input.parameters as Record<string, unknown>,
      source: 'workflow',
      ...(typeof input.action === 'string' ? { action: input.action } : {}),
    },
    { id, noWait: true },
  );
  const e = await settled(n, id);
  if (e.awaiting_approval && !FINAL.has(e.status))
    return { kind: 'parked', executionId: id, approvalId: e.awaiting_approval };
  if (e.status !== 'completed') {
    throw new PermanentNodeError(
      `node '${n.node.id}': agent '${agent.name}' ${e.status}: ${e.error ?? 'no error given'} (execution ${id})`,
    );
  }
  return { kind: 'done', output: { execution_id: id, agent_id: agent.id, result: e.result, confidence: e.confidence } };
}

/** Waits until the execution ends or waits for a human (bus announcements, a re-read each second). */
async function settled(n: NodeRun, id: string) {
  const executions = executionsService(n.ctx, runnerFor(n.ctx));
  let wake: () => void = () => undefined;
  const unsubscribe = await n.ctx.bus.subscribe(executionChannel(n.tenantId, id), () => wake());
  try {
    for (;;) {
      const e = await executions.find(n.tenantId, id);
      if (!e) throw new PermanentNodeError(`node '${n.node.id}': execution ${id} disappeared`);
      if (FINAL.has(e.status) || e.awaiting_approval) return e;
      if (n.signal.aborted) throw n.signal.reason;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        n.signal.addEventListener('abort', () => wake(), { once: true });
      });
    }
  } finally {
    unsubscribe();
  }
}
