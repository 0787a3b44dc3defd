// What one node's run sees and gives back, apart from the node kinds that run it (nodes.ts,
// agent-node.ts), so that those two need not import each other.
import type { AppContext } from '../../../platform/context.js';
import type { Plan as PlanTier } from '../../../platform/plans.js';
import type { Scope } from '../expressions.js';
import type { WorkflowEdge, WorkflowNode } from '../graph.js';
import type { RunnableType } from '../node-kinds.js';

/** A node failure that retrying cannot fix (bad configuration, governance, a missing skill). */
export class PermanentNodeError extends Error {}

/** What one node's run sees. */
export interface NodeRun {
  ctx: AppContext;
  tenantId: string;
  plan: PlanTier;
  runId: string;
  node: WorkflowNode;
  type: RunnableType;
  scope: Scope;
  /** The outputs of the nodes whose live edges lead here, by node id. */
  upstream: Record<string, unknown>;
  outgoing: WorkflowEdge[];
  /** Stable for this node in this run (and this retry): the idempotency key of what it calls. */
  key: string;
  attempt: number;
  signal: AbortSignal;
  requestedBy: string | null;
}

export type NodeResult =
  | { kind: 'done'; output: unknown; branches?: string[] }
  | { kind: 'parked'; executionId: string; approvalId: string | null };
