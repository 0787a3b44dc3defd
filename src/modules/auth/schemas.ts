import { Type } from '@sinclair/typebox';

export const SignupBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    name: Type.Optional(Type.String({ maxLength: 100 })),
    tenant_name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Name of the new tenant (free plan) the user will own',
    }),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    password: Type.String({ maxLength: 200 }),
    tenant_id: Type.Optional(
      Type.String({ description: "Which of the user's tenants the token is for; the first one if omitted" }),
    ),
  },
  { additionalProperties: false },
);

export const SwitchBody = Type.Object(
  { tenant_id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const TenantMembership = Type.Object({
  tenant_id: Type.String(),
  tenant_name: Type.String(),
  plan: Type.String(),
  role: Type.String(),
});

export const Session = Type.Object({
  access_token: Type.String(),
  token: Type.String({ description: 'Same as access_token' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  tenant_id: Type.String(),
  role: Type.String(),
  tenants: Type.Array(TenantMembership),
});

export const Me = Type.Object({
  kind: Type.String(),
  tenant_id: Type.Union([Type.String(), Type.Null()]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  key_id: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  scope: Type.String(),
  plan: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String()),
});
