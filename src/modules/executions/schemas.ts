import { Type } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);

export const Execution = Type.Object({
  execution_id: Type.String(),
  agent_id: Type.String(),
  task: Type.String(),
  status: Type.Union(['pending', 'in_progress', 'completed', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  progress: Type.Integer(),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  confidence: Type.Union([Type.Number(), Type.Null()]),
  reasoning_trace: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  tools_used: Type.Array(Type.String()),
  action: Type.String(),
  complexity: Type.Integer(),
  maturity_at_start: Type.String(),
  governance_violations: Type.Array(
    Type.Object({
      action: Type.String(),
      tool: Type.Union([Type.String(), Type.Null()]),
      severity: Type.String(),
      reason: Type.String(),
    }),
  ),
  human_interventions: Type.Integer(),
  awaiting_approval: Type.Union([Type.String(), Type.Null()]),
  started_at: MaybeTime,
  completed_at: MaybeTime,
  duration_seconds: Type.Union([Type.Number(), Type.Null()]),
  created_at: Time,
  poll_url: Type.String(),
  message: Type.Optional(Type.String()),
});

export const ExecuteBody = Type.Object(
  {
    task: Type.String({ minLength: 1, maxLength: 10_000 }),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    parameters: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Execution parameters; `async: true` answers at once with a poll_url',
      }),
    ),
    action: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'Declare the governance action instead of letting ATOM read it from the task',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ExecParams = Type.Object({ id: Type.String(), execution_id: Type.String() });
