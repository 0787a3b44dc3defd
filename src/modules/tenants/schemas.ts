import { type Static, Type } from '@sinclair/typebox';
import { PLANS } from '../../platform/plans.js';

export const PlanSchema = Type.Union(
  PLANS.map((p) => Type.Literal(p)),
  { description: 'free | solo | team | enterprise' },
);

export const Tenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  plan: PlanSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  rate_limit_per_minute: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type Tenant = Static<typeof Tenant>;

export const CreateTenantBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    plan: Type.Optional(PlanSchema),
    owner_email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    owner_password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
    owner_name: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const UpdateTenantBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    plan: Type.Optional(PlanSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
    rate_limit_per_minute: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateTenantBody = Static<typeof UpdateTenantBody>;
