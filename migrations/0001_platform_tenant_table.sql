-- What was added to 0001_platform.sql after it had been committed (and applied), moved here when
-- that file went back to its original text: a committed migration never changes (CONTRIBUTING.md).
-- It sorts right after 0001_platform.sql because 0002 onwards call atom_tenant_table. Every
-- statement is safe to run on a database that applied either text of 0001.

-- Every tenant table gets the same wall: RLS enabled and forced, rows limited to the current
-- app.tenant_id (or every tenant in the platform context '*').
CREATE OR REPLACE FUNCTION atom_tenant_table(t regclass, col text DEFAULT 'tenant_id') RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (atom_tenant_visible(%I)) WITH CHECK (atom_tenant_visible(%I))', t, col, col);
END $$;

CREATE INDEX IF NOT EXISTS api_keys_listing ON api_keys (tenant_id, created_at DESC, id);
