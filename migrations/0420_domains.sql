-- Specialist domains as tenant objects: authored here or installed from the domain marketplace.
CREATE TABLE domains (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  name text NOT NULL,
  slug text NOT NULL,
  description text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT 'general',
  topics text[] NOT NULL DEFAULT '{}',
  knowledge jsonb NOT NULL DEFAULT '{}',
  config jsonb NOT NULL DEFAULT '{}',
  config_schema jsonb,
  requires_domains text[] NOT NULL DEFAULT '{}',
  template_id text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX domains_template ON domains (tenant_id, template_id);
SELECT atom_tenant_table('domains');

-- The domain marketplace rates in half stars (4.5): ratings and their running sum become numeric.
ALTER TABLE marketplace_ratings ALTER COLUMN rating TYPE numeric(2,1);
ALTER TABLE marketplace_listings ALTER COLUMN rating_sum TYPE numeric;
