-- Agent templates: which agent an install of a template created, and the install's api keys
-- (one AES-256-GCM sealed JSON object, bound to tenant and agent; never returned).
CREATE TABLE agent_template_installs (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  template_id text NOT NULL,
  agent_id text NOT NULL,
  source_tenant_id text NOT NULL,
  version_id text,
  settings jsonb NOT NULL DEFAULT '{}',
  api_key_names text[] NOT NULL DEFAULT '{}',
  api_keys_sealed text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, template_id)
);
CREATE INDEX agent_template_installs_agent ON agent_template_installs (tenant_id, agent_id);
SELECT atom_tenant_table('agent_template_installs');
