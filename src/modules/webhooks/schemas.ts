import { Type } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
export const EventName = Type.String({
  pattern: '^(\\*|[a-z_]+(\\.[a-z_]+)+)$',
  maxLength: 100,
  description: 'An event type such as agent.executed, or * for every event',
});

export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  events: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  consecutive_failures: Type.Integer(),
  previous_secret_expires_at: MaybeTime,
  created_at: Time,
  updated_at: Time,
});

export const Delivery = Type.Object({
  id: Type.String(),
  endpoint_id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: MaybeTime,
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Time,
  delivered_at: MaybeTime,
});

export const Attempt = Type.Object({
  delivery_id: Type.String(),
  status: Type.String(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: MaybeTime,
});

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    events: Type.Array(EventName, { minItems: 1, maxItems: 100 }),
    secret: Type.Optional(
      Type.String({
        minLength: 16,
        maxLength: 200,
        description: 'Your own signing secret; one is generated (whsec_…) when omitted',
      }),
    ),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    events: Type.Optional(Type.Array(EventName, { minItems: 1, maxItems: 100 })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false },
);
