import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from '../../platform/http/schema.js';
import { RoleSchema } from '../api-keys/schemas.js';

export const Member = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  joined_at: Type.String({ format: 'date-time' }),
});

/** Who may join: an invitation is answered by the person whose account has the email. */
export const AddMemberBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });

const InvitationStatus = StringEnum(['pending', 'accepted', 'declined', 'revoked', 'expired'] as const);

/** An invitation as the inviting tenant sees it. */
export const Invitation = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  status: InvitationStatus,
  invited_by: Nullable(Type.String({ description: 'The user who invited (null: the platform admin key)' })),
  expires_at: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
  responded_at: Nullable(Type.String({ format: 'date-time' })),
});

/** An invitation as the invited user sees it. */
export const ReceivedInvitation = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  tenant_name: Type.String(),
  role: RoleSchema,
  status: InvitationStatus,
  expires_at: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
});
