import type { NodeType, WorkflowNode } from './graph.js';

/** What a node does once a `step` node is mapped onto a building block. */
export type RunnableType = Exclude<NodeType, 'step'>;

/**
 * A template step's `step_type` and the building block that runs it. The names are the ones
 * templates in the wild use (n8n, Dify, the seeds' `validation` step); anything else is refused
 * when the workflow is activated or run, naming the step.
 */
export const STEP_TYPES: Record<string, RunnableType> = {
  trigger: 'trigger',
  start: 'trigger',
  input: 'trigger',
  agent: 'agent',
  llm: 'agent',
  ai: 'agent',
  agent_task: 'agent',
  prompt: 'agent',
  summarize: 'agent',
  summarise: 'agent',
  skill: 'skill',
  tool: 'skill',
  function: 'skill',
  condition: 'condition',
  branch: 'condition',
  if: 'condition',
  switch: 'condition',
  decision: 'condition',
  transform: 'transform',
  map: 'transform',
  data: 'transform',
  format: 'transform',
  set: 'transform',
  validation: 'transform',
  validate: 'transform',
  filter: 'transform',
  http: 'http',
  api_call: 'http',
  api: 'http',
  request: 'http',
  webhook: 'http',
  output: 'output',
  result: 'output',
  end: 'output',
  respond: 'output',
};

/** The block a node runs as, or why it cannot run. */
export function runnableType(node: WorkflowNode): { type: RunnableType } | { error: string } {
  if (node.type !== 'step') return { type: node.type as RunnableType };
  const raw = node.config?.step_type;
  if (typeof raw !== 'string' || !raw.trim()) return { error: `step '${node.id}' has no config.step_type` };
  const type = STEP_TYPES[raw.trim().toLowerCase()];
  if (!type) {
    const known = [...new Set(Object.keys(STEP_TYPES))].join(', ');
    return { error: `step '${node.id}' has step_type '${raw}', which no node type runs; use one of: ${known}` };
  }
  return { type };
}

/** Per-node retry policy and deadline, from `config.retry` and `config.timeout_ms` (clamped). */
export interface NodePolicy {
  attempts: number;
  backoffMs: number;
  factor: number;
  timeoutMs: number;
}

export const POLICY_LIMITS = { attempts: 10, backoffMs: 60_000, timeoutMs: 15 * 60_000 } as const;
const DEFAULT_TIMEOUT: Record<RunnableType, number> = {
  trigger: 5_000,
  condition: 5_000,
  transform: 5_000,
  output: 5_000,
  http: 30_000,
  skill: 60_000,
  agent: 5 * 60_000,
};

const num = (v: unknown, fallback: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;

export function policyOf(node: WorkflowNode, type: RunnableType): NodePolicy {
  const retry = (node.config?.retry ?? {}) as Record<string, unknown>;
  return {
    attempts: Math.floor(num(retry.attempts, 1, 1, POLICY_LIMITS.attempts)),
    backoffMs: num(retry.backoff_ms, 1000, 0, POLICY_LIMITS.backoffMs),
    factor: num(retry.factor, 2, 1, 10),
    timeoutMs: num(node.config?.timeout_ms, DEFAULT_TIMEOUT[type], 1, POLICY_LIMITS.timeoutMs),
  };
}

/** The delay before attempt `n` (2, 3, …): backoff × factor^(n-2). */
export const backoffBefore = (p: NodePolicy, n: number) =>
  Math.min(POLICY_LIMITS.backoffMs, p.backoffMs * p.factor ** (n - 2));
