-- Packages a skill may declare (python / npm): a whitelist, tenant requests for additions, an
-- advisory database kept by the platform, and the packages recorded for each tenant.

-- Whitelist entries: tenant_id '*' is the whole platform; otherwise one tenant. Platform rows are
-- readable by every tenant, writable only in the platform context.
CREATE TABLE package_whitelist (
  tenant_id text NOT NULL,
  package_type text NOT NULL CHECK (package_type IN ('python', 'npm')),
  name text NOT NULL,
  version_range text NOT NULL DEFAULT '*',
  reason text,
  approved_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, package_type, name)
);
ALTER TABLE package_whitelist ENABLE ROW LEVEL SECURITY;
ALTER TABLE package_whitelist FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON package_whitelist
  USING (tenant_id = '*' OR atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE package_requests (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  package_type text NOT NULL CHECK (package_type IN ('python', 'npm')),
  name text NOT NULL,
  version text,
  reason text NOT NULL DEFAULT '',
  requested_by text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  scope text CHECK (scope IN ('tenant', 'platform')),
  review_reason text,
  reviewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX package_requests_id ON package_requests (id);
CREATE UNIQUE INDEX package_requests_one_pending ON package_requests (tenant_id, package_type, name) WHERE status = 'pending';
CREATE INDEX package_requests_queue ON package_requests (status, created_at);
SELECT atom_tenant_table('package_requests');

-- Platform data (not tenant data): known vulnerabilities, seeded from a file and kept by admins.
CREATE TABLE package_advisories (
  id text PRIMARY KEY,
  package_type text NOT NULL CHECK (package_type IN ('python', 'npm')),
  name text NOT NULL,
  cve text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  description text NOT NULL DEFAULT '',
  affected text NOT NULL,
  safe_version text,
  source text NOT NULL DEFAULT 'admin',
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (package_type, name, cve)
);

-- Packages recorded for a tenant when it installs a skill that declares them.
CREATE TABLE tenant_packages (
  tenant_id text NOT NULL REFERENCES tenants(id),
  package_type text NOT NULL,
  name text NOT NULL,
  version text,
  required_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, package_type, name)
);
SELECT atom_tenant_table('tenant_packages');

-- A starting platform whitelist of widely used packages; admins add and remove entries later.
INSERT INTO package_whitelist (tenant_id, package_type, name, version_range, reason, approved_by) VALUES
  ('*', 'python', 'requests', '*', 'HTTP client', 'seed'),
  ('*', 'python', 'pandas', '*', 'Data frames', 'seed'),
  ('*', 'python', 'numpy', '*', 'Numerical computing', 'seed'),
  ('*', 'python', 'pyyaml', '*', 'YAML parsing', 'seed'),
  ('*', 'python', 'jinja2', '*', 'Templating', 'seed'),
  ('*', 'python', 'pillow', '*', 'Images', 'seed'),
  ('*', 'python', 'urllib3', '*', 'HTTP', 'seed'),
  ('*', 'npm', 'lodash', '*', 'Utilities', 'seed'),
  ('*', 'npm', 'axios', '*', 'HTTP client', 'seed'),
  ('*', 'npm', 'date-fns', '*', 'Dates', 'seed'),
  ('*', 'npm', 'minimist', '*', 'Argument parsing', 'seed'),
  ('*', 'npm', 'node-fetch', '*', 'HTTP client', 'seed'),
  ('*', 'npm', 'jsonwebtoken', '*', 'JWT', 'seed');
