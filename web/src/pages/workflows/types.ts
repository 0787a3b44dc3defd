/** The shapes the workflow API answers with (issue 18), as far as the console reads them. */

export type FieldType =
  | 'text'
  | 'string'
  | 'textarea'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'select'
  | 'multiselect'
  | 'email'
  | 'url'
  | 'date'
  | 'json'
  | 'object'
  | 'array';

export type OptionValue = string | number | boolean;
export type FieldOption = OptionValue | { value: OptionValue; label?: string };

export interface InputField {
  name: string;
  type: FieldType;
  label?: string;
  description?: string;
  required?: boolean;
  default?: unknown;
  options?: FieldOption[];
  min?: number;
  max?: number;
}

export interface GraphNode {
  id: string;
  type: string;
  label?: string;
  config?: Record<string, unknown>;
  position?: { x: number; y: number };
  [k: string]: unknown;
}

export interface GraphEdge {
  id?: string;
  source: string;
  target: string;
  when?: unknown;
  sourceHandle?: string | null;
  label?: string;
  [k: string]: unknown;
}

export interface Schedule {
  node_id: string;
  cron: string;
  timezone: string;
  next_at: string | null;
  last_fired_at?: string | null;
}

export interface Workflow {
  id: string;
  name: string;
  description: string;
  category: string | null;
  nodes: GraphNode[];
  edges: GraphEdge[];
  version: string;
  source: string;
  input_schema: InputField[] | null;
  created_at: string;
  updated_at: string;
  active?: boolean;
  activated_at?: string | null;
  webhook_url?: string | null;
  schedules?: Schedule[];
}

export const RUN_STATUSES = ['queued', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_FINISHED = new Set<string>(['completed', 'failed', 'cancelled']);

export const NODE_STATES = [
  'pending',
  'running',
  'completed',
  'failed',
  'skipped',
  'awaiting_approval',
  'cancelled',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

export interface NodeRun {
  node_id: string;
  type: string;
  runs_as: string | null;
  label: string | null;
  state: NodeState;
  attempts: number;
  input: unknown;
  output: unknown;
  error: unknown;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  execution_id: string | null;
  approval_id: string | null;
}

export interface RunView {
  id: string;
  workflow_id: string;
  workflow_name: string;
  status: RunStatus;
  trigger: 'manual' | 'webhook' | 'schedule';
  input: unknown;
  output: unknown;
  error: { node_id: string | null; message: string } | null;
  nodes: NodeRun[];
  /** The graph the run started with (a later edit of the workflow does not change it). */
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  progress: { done: number; total: number };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  poll_url: string;
  stream_url: string;
}

export interface Activation {
  success: boolean;
  workflow: Workflow;
  triggers?: { webhook?: { url: string; secret: string | null } | null; schedules?: Schedule[] };
}

export interface Page {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}
