-- Every direct or agent-driven skill run, counted against the plan's daily execution limit.
CREATE TABLE skill_executions (
  tenant_id text NOT NULL REFERENCES tenants(id),
  id text NOT NULL,
  listing_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('completed', 'failed')),
  duration_ms int NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX skill_executions_day ON skill_executions (tenant_id, created_at);
ALTER TABLE skill_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE skill_executions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON skill_executions USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
