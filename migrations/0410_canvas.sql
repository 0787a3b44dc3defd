-- Canvas components a tenant authors (optionally bundled with a skill), the canvases it builds,
-- and the marketplace components installed into each canvas.
CREATE TABLE canvas_components (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT 'ui',
  component_type text NOT NULL DEFAULT 'component',
  version text NOT NULL DEFAULT '1.0.0',
  code text NOT NULL DEFAULT '',
  config_schema jsonb,
  dependencies text[] NOT NULL DEFAULT '{}',
  css_dependencies text[] NOT NULL DEFAULT '{}',
  requires_components text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  thumbnail_url text,
  preview_url text,
  demo_url text,
  license text NOT NULL DEFAULT 'MIT',
  skill_id text,
  skill jsonb,
  marketplace_allowed boolean NOT NULL DEFAULT false,
  marketplace_granted_by text,
  marketplace_granted_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT atom_tenant_table('canvas_components');

CREATE TABLE canvases (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  layout jsonb NOT NULL DEFAULT '{}',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX canvases_created ON canvases (tenant_id, created_at DESC);
SELECT atom_tenant_table('canvases');

CREATE TABLE canvas_installed_components (
  tenant_id text NOT NULL,
  id text NOT NULL,
  canvas_id text NOT NULL,
  listing_id text NOT NULL,
  component_name text NOT NULL,
  version_id text,
  config jsonb NOT NULL DEFAULT '{}',
  skill_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, canvas_id, listing_id),
  FOREIGN KEY (tenant_id, canvas_id) REFERENCES canvases (tenant_id, id) ON DELETE CASCADE
);
SELECT atom_tenant_table('canvas_installed_components');
