import type { WorkflowEdge, WorkflowNode } from '../graph.js';

/**
 * The order a graph runs in, and which nodes are ready, in pure functions. A node's journal step
 * number is its place in the topological order (stable for the run: the run keeps its graph), so a
 * resumed run finds each node's step whatever order parallel branches finished in.
 */
export type NodeState = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'awaiting_approval' | 'cancelled';

export interface Plan {
  order: WorkflowNode[];
  stepNo: Map<string, number>;
  incoming: Map<string, WorkflowEdge[]>;
  outgoing: Map<string, WorkflowEdge[]>;
  byId: Map<string, WorkflowNode>;
}

/** Kahn's algorithm, taking nodes in their stored order among the ready ones (deterministic). */
export function planOf(nodes: WorkflowNode[], edges: WorkflowEdge[]): Plan {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, WorkflowEdge[]>(nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, WorkflowEdge[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    incoming.get(e.target)?.push(e);
    outgoing.get(e.source)?.push(e);
  }
  const indeg = new Map(nodes.map((n) => [n.id, incoming.get(n.id)!.length]));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const ready = nodes.filter((n) => indeg.get(n.id) === 0);
  const order: WorkflowNode[] = [];
  while (ready.length) {
    ready.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
    const n = ready.shift()!;
    order.push(n);
    for (const e of outgoing.get(n.id)!) {
      indeg.set(e.target, indeg.get(e.target)! - 1);
      if (indeg.get(e.target) === 0) ready.push(byId.get(e.target)!);
    }
  }
  return { order, stepNo: new Map(order.map((n, i) => [n.id, i + 1])), incoming, outgoing, byId };
}

/** Every node upstream of `id` (what its expressions may read). */
export function ancestors(plan: Plan, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length) {
    for (const e of plan.incoming.get(stack.pop()!) ?? []) {
      if (!seen.has(e.source)) {
        seen.add(e.source);
        stack.push(e.source);
      }
    }
  }
  return seen;
}

/** The branch key of an edge leaving a condition node: `when`, else `sourceHandle`, else `label`. */
export function branchKey(e: WorkflowEdge): string | null {
  for (const k of ['when', 'sourceHandle', 'label', 'condition'] as const) {
    const v = e[k];
    if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return String(v).trim().toLowerCase();
  }
  return null;
}

export const DEFAULT_BRANCHES = new Set(['default', 'else', 'otherwise']);

/**
 * Whether an edge carries the run on: its source completed and, for a condition, the edge is on the
 * chosen branch. `branches` holds each finished condition's chosen edge keys.
 */
export function edgeLive(e: WorkflowEdge, state: Map<string, NodeState>, branches: Map<string, Set<string>>): boolean {
  if (state.get(e.source) !== 'completed') return false;
  const chosen = branches.get(e.source);
  if (!chosen) return true;
  const key = branchKey(e);
  return key !== null && chosen.has(key);
}

/**
 * What to do next with each pending node: `run` when every incoming edge is settled and one is
 * live, `skip` when all are dead (the branch was not taken, or its source was skipped).
 */
export function nextActions(
  plan: Plan,
  state: Map<string, NodeState>,
  branches: Map<string, Set<string>>,
): { run: WorkflowNode[]; skip: WorkflowNode[] } {
  const run: WorkflowNode[] = [];
  const skip: WorkflowNode[] = [];
  for (const n of plan.order) {
    if ((state.get(n.id) ?? 'pending') !== 'pending') continue;
    const inc = plan.incoming.get(n.id)!;
    const settled = inc.every((e) => ['completed', 'skipped'].includes(state.get(e.source) ?? 'pending'));
    if (!settled) continue;
    if (inc.length === 0 || inc.some((e) => edgeLive(e, state, branches))) run.push(n);
    else skip.push(n);
  }
  return { run, skip };
}

/** The keys a condition's value selects among its outgoing edges (a default edge when none match). */
export function chooseBranches(value: unknown, out: WorkflowEdge[]): Set<string> {
  const key =
    typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string'
      ? String(value).trim().toLowerCase()
      : value === null || value === undefined
        ? 'false'
        : 'true';
  const aliases = key === 'true' ? ['true', 'yes'] : key === 'false' ? ['false', 'no'] : [key];
  const keys = out.map(branchKey).filter((k): k is string => k !== null);
  const hit = keys.filter((k) => aliases.includes(k));
  if (hit.length) return new Set(hit);
  return new Set(keys.filter((k) => DEFAULT_BRANCHES.has(k)));
}
