-- Environment variables a tenant sets on a skill it owns or installed: one sealed (AES-256-GCM,
-- tenant-bound AAD) JSON object per tenant and skill. Values are never returned by the API.
CREATE TABLE skill_environments (
  tenant_id text NOT NULL REFERENCES tenants(id),
  listing_id text NOT NULL,
  sealed text NOT NULL,
  names text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, listing_id)
);
SELECT atom_tenant_table('skill_environments');
