import type { GraphEdge, GraphNode } from './types';

/** Spacing of the automatic layout: columns by depth, left to right. */
export const COLUMN = 240;
export const ROW = 110;

const hasPosition = (n: GraphNode) => !!n.position && Number.isFinite(n.position.x) && Number.isFinite(n.position.y);

/**
 * Each node's depth: the longest path to it from a node without incoming edges (Kahn's order).
 * Nodes left over by a cycle (the server refuses those) get the depth after the deepest.
 */
export function depths(nodes: GraphNode[], edges: GraphEdge[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const out = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const indeg = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    out.get(e.source)!.push(e.target);
    indeg.set(e.target, indeg.get(e.target)! + 1);
  }
  const depth = new Map<string, number>();
  const queue = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  queue.forEach((id) => {
    depth.set(id, 0);
  });
  while (queue.length) {
    const id = queue.shift()!;
    for (const t of out.get(id)!) {
      depth.set(t, Math.max(depth.get(t) ?? 0, depth.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }
  const deepest = Math.max(-1, ...depth.values());
  for (const n of nodes) if (indeg.get(n.id)! > 0) depth.set(n.id, deepest + 1);
  return depth;
}

/** Where each node is drawn: its stored position when it has one, else its column and row by depth. */
export function positions(nodes: GraphNode[], edges: GraphEdge[]): Map<string, { x: number; y: number }> {
  const depth = depths(nodes, edges);
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    if (hasPosition(n)) {
      at.set(n.id, { x: n.position!.x, y: n.position!.y });
      continue;
    }
    const d = depth.get(n.id) ?? 0;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    at.set(n.id, { x: d * COLUMN, y: r * ROW });
  }
  return at;
}

/** The words on an edge: a condition branch's `label`, `when` or `sourceHandle`. */
export function edgeLabel(e: GraphEdge): string | undefined {
  if (typeof e.label === 'string' && e.label) return e.label;
  if (e.when !== undefined && e.when !== null && e.when !== '')
    return typeof e.when === 'string' ? e.when : JSON.stringify(e.when);
  if (typeof e.sourceHandle === 'string' && e.sourceHandle) return e.sourceHandle;
  if (typeof e.condition === 'string' && e.condition) return e.condition;
  return undefined;
}

export const edgeId = (e: GraphEdge, i: number) => e.id ?? `e${i}:${e.source}->${e.target}`;

/** A node's name for people: its label, else its config name, else its id. */
export function nodeName(n: { id: string; label?: string | null; config?: Record<string, unknown> }): string {
  if (n.label) return n.label;
  const name = n.config?.name;
  return typeof name === 'string' && name ? name : n.id;
}

/** What a `step` node runs as (from its step_type), shown under its type. */
export function stepType(n: GraphNode): string | null {
  const t = n.config?.step_type;
  return n.type === 'step' && typeof t === 'string' ? t : null;
}
