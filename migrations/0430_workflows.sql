-- Workflows: a tenant's graphs of nodes and edges, created directly, from a workflow template
-- (marketplace kind 'workflow_template') or from an imported JSON document.
CREATE TABLE workflows (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  category text,
  nodes jsonb NOT NULL DEFAULT '[]',
  edges jsonb NOT NULL DEFAULT '[]',
  version text NOT NULL DEFAULT '1.0.0',
  source text NOT NULL CHECK (source IN ('api', 'template', 'file')),
  template_id text,
  -- the name the imported document carried, so exporting it again gives the same document
  document_name text,
  input_schema jsonb,
  steps jsonb,
  user_inputs jsonb,
  imported_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX workflows_listing ON workflows (tenant_id, created_at DESC, id);
SELECT atom_tenant_table('workflows');

-- An author's key for a workflow template (`id` in POST /api/marketplace/templates/advanced) is unique in its tenant.
CREATE UNIQUE INDEX marketplace_listings_workflow_template_key ON marketplace_listings (tenant_id, (content->>'key'))
  WHERE kind = 'workflow_template' AND content->>'key' IS NOT NULL;
