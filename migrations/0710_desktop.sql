-- Desktop companion relay: the server never runs desktop, terminal or docker commands itself.
-- It queues them for a registered companion device, which pulls, runs and reports.

CREATE TABLE desktop_devices (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  platform text,
  token_hash text NOT NULL UNIQUE,
  capabilities text[] NOT NULL DEFAULT '{}',
  registered_by text,
  last_seen_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT atom_tenant_table('desktop_devices');

CREATE TABLE desktop_actions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  device_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('action', 'terminal', 'docker')),
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'delivered', 'completed', 'failed', 'expired')),
  result jsonb,
  requested_by text,
  expires_at timestamptz NOT NULL,
  delivered_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, device_id) REFERENCES desktop_devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX desktop_actions_queue ON desktop_actions (tenant_id, device_id, status, created_at);
SELECT atom_tenant_table('desktop_actions');
