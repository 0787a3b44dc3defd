import { type Static, Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.js';

/**
 * The node types a workflow may hold, in one place. `step` is a template step (its `step_type`
 * lives in `config`); the others are the building blocks a workflow editor offers.
 */
export const NODE_TYPES = ['trigger', 'agent', 'skill', 'condition', 'transform', 'http', 'output', 'step'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const MAX_NODES = 500;
export const MAX_EDGES = 2000;

const Json = Type.Record(Type.String(), Type.Unknown());

/** A node: extra properties (position, style…) are kept as given. */
export const WorkflowNode = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.String({ minLength: 1, maxLength: 50 }),
    label: Type.Optional(Type.String({ maxLength: 500 })),
    config: Type.Optional(Json),
  },
  { additionalProperties: true },
);
export const WorkflowEdge = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 200 })),
    source: Type.String({ minLength: 1, maxLength: 200 }),
    target: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: true },
);
export const Nodes = Type.Array(WorkflowNode, { maxItems: MAX_NODES });
export const Edges = Type.Array(WorkflowEdge, { maxItems: MAX_EDGES });
export type WorkflowNode = Static<typeof WorkflowNode> & Record<string, unknown>;
export type WorkflowEdge = Static<typeof WorkflowEdge> & Record<string, unknown>;

export interface GraphIssue {
  code: string;
  path: string;
  message: string;
}

/** Every rule a workflow graph must satisfy; returns all issues, empty when valid. */
export function graphIssues(nodes: WorkflowNode[], edges: WorkflowEdge[]): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const ids = new Set<string>();
  nodes.forEach((n, i) => {
    if (ids.has(n.id))
      issues.push({
        code: 'DUPLICATE_NODE_ID',
        path: `nodes[${i}].id`,
        message: `Node id '${n.id}' is used more than once`,
      });
    ids.add(n.id);
    if (!(NODE_TYPES as readonly string[]).includes(n.type)) {
      issues.push({
        code: 'UNKNOWN_NODE_TYPE',
        path: `nodes[${i}].type`,
        message: `Unknown node type '${n.type}'; allowed: ${NODE_TYPES.join(', ')}`,
      });
    }
  });
  const edgeIds = new Set<string>();
  edges.forEach((e, i) => {
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(e[end]))
        issues.push({
          code: 'DANGLING_EDGE',
          path: `edges[${i}].${end}`,
          message: `Edge ${end} '${e[end]}' is not a node of this workflow`,
        });
    }
    if (e.source === e.target)
      issues.push({ code: 'SELF_LOOP', path: `edges[${i}]`, message: `Edge connects node '${e.source}' to itself` });
    if (e.id !== undefined) {
      if (edgeIds.has(e.id))
        issues.push({
          code: 'DUPLICATE_EDGE_ID',
          path: `edges[${i}].id`,
          message: `Edge id '${e.id}' is used more than once`,
        });
      edgeIds.add(e.id);
    }
  });
  if (!issues.length) {
    const cycle = findCycle([...ids], edges);
    if (cycle)
      issues.push({
        code: 'CYCLE',
        path: 'edges',
        message: `Workflows are acyclic; found the cycle ${cycle.join(' → ')}`,
      });
  }
  return issues;
}

/** Throws 400 VALIDATION_ERROR listing every issue. */
export function assertValidGraph(nodes: WorkflowNode[], edges: WorkflowEdge[], field = 'workflow'): void {
  const issues = graphIssues(nodes, edges);
  if (issues.length) {
    throw new AppError('VALIDATION_ERROR', `Invalid workflow: ${issues[0].message}`, {
      field,
      message: issues[0].message,
      errors: issues,
      allowed_node_types: NODE_TYPES,
    });
  }
}

/** Kahn's algorithm; when nodes remain, walks them to report one concrete cycle. */
function findCycle(ids: string[], edges: WorkflowEdge[]): string[] | null {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indeg = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of edges) {
    out.get(e.source)!.push(e.target);
    indeg.set(e.target, indeg.get(e.target)! + 1);
  }
  const queue = ids.filter((id) => indeg.get(id) === 0);
  let seen = 0;
  while (queue.length) {
    const id = queue.pop()!;
    seen += 1;
    for (const t of out.get(id)!) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  if (seen === ids.length) return null;
  // Every remaining node has a remaining predecessor: walk predecessors until one repeats.
  const remaining = new Set(ids.filter((id) => indeg.get(id)! > 0));
  const preds = new Map<string, string>();
  for (const e of edges) if (remaining.has(e.source) && remaining.has(e.target)) preds.set(e.target, e.source);
  let at = [...remaining][0];
  const path: string[] = [];
  const index = new Map<string, number>();
  while (!index.has(at)) {
    index.set(at, path.length);
    path.push(at);
    at = preds.get(at)!;
  }
  return [at, ...path.slice(index.get(at)! + 1).reverse(), at];
}
