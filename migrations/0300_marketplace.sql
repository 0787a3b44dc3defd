-- The generic marketplace engine: one listing table for every kind, frozen versions, installs, ratings.
CREATE TABLE marketplace_listings (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('skill', 'agent_template', 'domain', 'canvas_component', 'workflow_template')),
  source_id text,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  long_description text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT 'general',
  subtype text,
  tags text[] NOT NULL DEFAULT '{}',
  price numeric NOT NULL DEFAULT 0,
  documentation_url text,
  marketplace_type text NOT NULL DEFAULT 'public' CHECK (marketplace_type IN ('public', 'private')),
  status text NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'rejected', 'unpublished')),
  content jsonb NOT NULL DEFAULT '{}',
  config_schema jsonb,
  dependencies text[] NOT NULL DEFAULT '{}',
  current_version_id text,
  rejection_reason text,
  rating_sum int NOT NULL DEFAULT 0,
  rating_count int NOT NULL DEFAULT 0,
  installs int NOT NULL DEFAULT 0,
  featured boolean NOT NULL DEFAULT false,
  approved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(long_description, '')), 'C')
  ) STORED,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX marketplace_listings_id ON marketplace_listings (id);
CREATE INDEX marketplace_listings_search ON marketplace_listings USING GIN (search);
CREATE INDEX marketplace_listings_browse ON marketplace_listings (kind, status, marketplace_type);
ALTER TABLE marketplace_listings ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_listings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_listings USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE marketplace_versions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  listing_id text NOT NULL,
  version_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  content jsonb NOT NULL,
  config_schema jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, listing_id) REFERENCES marketplace_listings (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX marketplace_versions_listing ON marketplace_versions (listing_id, created_at);
ALTER TABLE marketplace_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_versions USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE marketplace_installs (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  listing_id text NOT NULL,
  kind text NOT NULL,
  version_id text,
  target_id text,
  config jsonb NOT NULL DEFAULT '{}',
  custom_name text,
  custom_description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, listing_id)
);
ALTER TABLE marketplace_installs ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_installs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_installs USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE marketplace_ratings (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  listing_id text NOT NULL,
  rater text NOT NULL,
  rating int NOT NULL CHECK (rating BETWEEN 1 AND 5),
  review text,
  helpful_count int NOT NULL DEFAULT 0,
  author_response text,
  flagged boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (listing_id, rater)
);
ALTER TABLE marketplace_ratings ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_ratings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_ratings USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
