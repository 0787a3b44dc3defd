import { Type } from '@sinclair/typebox';
import { RoleSchema } from '../api-keys/schemas.js';

export const Member = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  joined_at: Type.String({ format: 'date-time' }),
});

export const AddMemberBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: RoleSchema,
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: 'Required when the email has no account yet' })),
    name: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
