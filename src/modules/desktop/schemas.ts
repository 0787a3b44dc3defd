import { Type } from '@sinclair/typebox';

const Kind = Type.Union([Type.Literal('action'), Type.Literal('terminal'), Type.Literal('docker')]);
const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);

export const Device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  platform: Type.Union([Type.String(), Type.Null()]),
  capabilities: Type.Array(Type.String()),
  online: Type.Boolean(),
  last_seen_at: MaybeTime,
  created_at: Time,
});

export const Action = Type.Object({
  id: Type.String(),
  device_id: Type.String(),
  kind: Kind,
  payload: Type.Record(Type.String(), Type.Unknown()),
  status: Type.Union(['queued', 'delivered', 'completed', 'failed', 'expired'].map((s) => Type.Literal(s))),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  expires_at: Time,
  delivered_at: MaybeTime,
  completed_at: MaybeTime,
  created_at: Time,
  poll_url: Type.String(),
});

export const RegisterBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    platform: Type.Optional(Type.String({ maxLength: 40 })),
    capabilities: Type.Optional(Type.Array(Kind, { minItems: 1, maxItems: 3, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const ActionBody = Type.Object(
  {
    device_id: Type.String(),
    action: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. open_url, screenshot, notify' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const TerminalBody = Type.Object(
  {
    device_id: Type.String(),
    command: Type.String({ minLength: 1, maxLength: 4000 }),
    cwd: Type.Optional(Type.String({ maxLength: 1000 })),
    timeout_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  },
  { additionalProperties: false },
);

export const DockerBody = Type.Object(
  {
    device_id: Type.String(),
    operation: Type.Union(['list', 'inspect', 'start', 'stop', 'restart', 'logs'].map((s) => Type.Literal(s))),
    container: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ResultBody = Type.Object(
  {
    status: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
    output: Type.Optional(Type.Unknown()),
    exit_code: Type.Optional(Type.Integer()),
    error: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
