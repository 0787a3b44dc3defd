-- OAuth integrations: single-use authorization states and the connections they produce.
-- Tokens and PKCE verifiers are encrypted (AES-256-GCM, AAD bound to tenant and provider).

CREATE TABLE oauth_states (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  state_hash text NOT NULL,
  provider text NOT NULL,
  user_id text,
  code_verifier text NOT NULL,
  redirect_uri text NOT NULL,
  scopes text[] NOT NULL,
  return_to text,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, state_hash)
);
CREATE UNIQUE INDEX oauth_states_hash ON oauth_states (state_hash);
SELECT atom_tenant_table('oauth_states');

CREATE TABLE integrations (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  provider text NOT NULL,
  status text NOT NULL CHECK (status IN ('connected', 'revoked', 'error', 'disconnected')),
  access_token text,
  refresh_token text,
  token_type text,
  scopes text[] NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  settings jsonb NOT NULL DEFAULT '{}',
  connected_by text,
  connected_at timestamptz,
  refreshed_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider)
);
SELECT atom_tenant_table('integrations');
