-- Platform foundation: tenants, users, memberships, API keys, the event outbox.
-- Convention for every tenant table: tenant_id leads the primary key and every foreign key,
-- and row level security (enabled and forced) limits rows to the current app.tenant_id.

CREATE OR REPLACE FUNCTION atom_tenant_visible(t text) RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT current_setting('app.tenant_id', true) IN ('*', t) $$;

CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL UNIQUE,
  plan text NOT NULL CHECK (plan IN ('free', 'solo', 'team', 'enterprise')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  rate_limit_per_minute integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (atom_tenant_visible(id)) WITH CHECK (atom_tenant_visible(id));

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL,
  name text,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE api_keys (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  scope text NOT NULL CHECK (scope IN ('read', 'read_write')),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_by text,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

-- The transactional outbox: written in the same transaction as the change it reports.
CREATE TABLE events (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  seq bigserial NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_tenant_seq ON events (tenant_id, seq);
CREATE INDEX events_type ON events (tenant_id, type, seq);
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
