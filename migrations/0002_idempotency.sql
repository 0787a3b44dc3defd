-- Idempotency-Key on writes: the first response to (credential, key) is kept for 24 hours and
-- replayed for a retry with the same request; a different request under the same key is refused.
CREATE TABLE idempotency_keys (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  credential text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'done')),
  status_code int,
  content_type text,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, credential, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
SELECT atom_tenant_table('idempotency_keys');
