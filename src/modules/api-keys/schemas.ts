import { type Static, Type } from '@sinclair/typebox';
import { ROLES } from '../../platform/auth/permissions.js';
import { Nullable, StringEnum } from '../../platform/http/schema.js';

export const RoleSchema = StringEnum(ROLES);
export const ScopeSchema = StringEnum(['read', 'read_write'] as const);

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  scope: ScopeSchema,
  role: RoleSchema,
  status: StringEnum(['active', 'revoked', 'expired'] as const),
  expires_at: Nullable(Type.String({ format: 'date-time' })),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
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

export const IssuedKey = Type.Object({
  api_key: ApiKey,
  key: Type.String({ description: 'The secret key; shown only once' }),
});
