import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from '../../../platform/http/schema.js';
import { Edges, Nodes } from '../graph.js';

export const RUN_STATUSES = ['queued', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled'] as const;
export const NODE_STATES = [
  'pending',
  'running',
  'completed',
  'failed',
  'skipped',
  'awaiting_approval',
  'cancelled',
] as const;

const When = Nullable(Type.String({ format: 'date-time' }));

export const NodeView = Type.Object({
  node_id: Type.String(),
  type: Type.String(),
  runs_as: Nullable(Type.String({ description: 'The building block a template step runs as' })),
  label: Type.String(),
  state: StringEnum(NODE_STATES),
  attempts: Type.Integer(),
  input: Type.Unknown({ description: 'What the node acted on (rendered templates), as the journal recorded it' }),
  output: Type.Unknown(),
  error: Nullable(Type.String()),
  started_at: When,
  finished_at: When,
  duration_ms: Nullable(Type.Integer()),
  execution_id: Nullable(Type.String({ description: "An agent node's execution" })),
  approval_id: Nullable(Type.String()),
});

export const RunError = Nullable(Type.Object({ node_id: Nullable(Type.String()), message: Type.String() }));

export const RunView = Type.Object({
  id: Type.String(),
  workflow_id: Type.String(),
  workflow_name: Type.String(),
  status: StringEnum(RUN_STATUSES),
  trigger: StringEnum(['manual', 'webhook', 'schedule'] as const),
  input: Type.Unknown(),
  output: Type.Unknown(),
  error: RunError,
  nodes: Type.Array(NodeView),
  graph: Type.Object(
    { nodes: Nodes, edges: Edges },
    { description: 'The graph the run started with (later edits of the workflow do not change it)' },
  ),
  progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }),
  attempts: Type.Integer(),
  scheduled_for: When,
  created_at: Type.String(),
  started_at: When,
  finished_at: When,
  poll_url: Type.String(),
  stream_url: Type.String(),
});

export const Schedule = Type.Object({
  node_id: Type.String(),
  cron: Type.String(),
  timezone: Type.String(),
  next_at: Type.String(),
  last_fired_at: When,
});

export const RunBody = Type.Object(
  {
    input: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "The run's input, checked against the workflow's input_schema",
      }),
    ),
    async: Type.Optional(Type.Boolean({ description: 'Answer 202 at once instead of waiting for a quick run' })),
  },
  { additionalProperties: false },
);

export const RunsQuery = Type.Object({
  status: Type.Optional(StringEnum(RUN_STATUSES)),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
