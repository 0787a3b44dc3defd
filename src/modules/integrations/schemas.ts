import { Type } from '@sinclair/typebox';

export const Integration = Type.Object({
  provider: Type.String(),
  name: Type.String(),
  configured: Type.Boolean({ description: 'This instance has OAuth client credentials for the provider' }),
  status: Type.Union(['not_connected', 'connected', 'expired', 'revoked', 'error'].map((s) => Type.Literal(s))),
  connected: Type.Boolean(),
  scopes: Type.Array(Type.String()),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  connected_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  refreshed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  has_refresh_token: Type.Boolean(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  settings: Type.Record(Type.String(), Type.Unknown()),
});

export const ProviderParams = Type.Object({ provider: Type.String({ maxLength: 40 }) });

export const ConnectBody = Type.Object(
  {
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
    return_to: Type.Optional(
      Type.String({ maxLength: 500, description: 'A path on this server to send the browser to after the callback' }),
    ),
  },
  { additionalProperties: false },
);

export const Connect = Type.Object({
  provider: Type.String(),
  authorization_url: Type.String({ description: 'Send the user here' }),
  state: Type.String(),
  redirect_uri: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
});

export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2048 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 1000 })),
});

export const ConfigBody = Type.Object(
  {
    settings: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Non-secret settings (base_id, workspace, …)' }),
    ),
    access_token: Type.Optional(Type.String({ maxLength: 8192 })),
    refresh_token: Type.Optional(Type.String({ maxLength: 8192 })),
    token_expires_at: Type.Optional(Type.String({ format: 'date-time' })),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
