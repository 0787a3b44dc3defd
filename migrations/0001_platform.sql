-- Platform foundation: tenants, users, memberships, API keys, the event outbox.
-- Convention for every tenant table: tenant_id leads the primary key and every foreign key,
-- and row level security (enabled and forced) limits rows to the current app.tenant_id.

CREATE OR REPLACE FUNCTION atom_tenant_visible(t text) RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT current_setting('app.tenant_id', true) IN ('*', t) $$;

-- Every tenant table gets the same wall: RLS enabled and forced, rows limited to the current
-- app.tenant_id (or every tenant in the platform context '*').
CREATE OR REPLACE FUNCTION atom_tenant_table(t regclass, col text DEFAULT 'tenant_id') RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (atom_tenant_visible(%I)) WITH CHECK (atom_tenant_visible(%I))', t, col, col);
END $$;

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
SELECT atom_tenant_table('tenants', 'id');

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
SELECT atom_tenant_table('memberships');

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
SELECT atom_tenant_table('api_keys');

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
SELECT atom_tenant_table('events');

CREATE INDEX api_keys_listing ON api_keys (tenant_id, created_at DESC, id);
