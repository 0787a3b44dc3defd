import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../../platform/auth/permissions.js';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const ScopeSchema = Type.Union([Type.Literal('read'), Type.Literal('read_write')]);

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  scope: ScopeSchema,
  role: RoleSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});
export type ApiKey = Static<typeof ApiKey>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scope: Type.Optional(ScopeSchema),
    role: Type.Optional(RoleSchema),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

export const IssuedKey = Type.Object({ api_key: ApiKey, key: Type.String({ description: 'The secret key; shown only once' }) });
