-- Chat sessions with an agent; every message and streamed step is an event with a sequence
-- number, so a stream can resume after the last event a client saw (Last-Event-ID).

CREATE TABLE chat_sessions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  title text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_sessions_listing ON chat_sessions (tenant_id, updated_at DESC, id);
ALTER TABLE chat_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chat_sessions USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE chat_events (
  tenant_id text NOT NULL,
  session_id text NOT NULL,
  seq bigserial NOT NULL,
  type text NOT NULL CHECK (type IN ('message', 'step', 'token', 'status', 'error')),
  execution_id text,
  dedupe_key text,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, session_id, seq),
  UNIQUE (tenant_id, session_id, dedupe_key),
  FOREIGN KEY (tenant_id, session_id) REFERENCES chat_sessions (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE chat_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chat_events USING (atom_tenant_visible(tenant_id)) WITH CHECK (atom_tenant_visible(tenant_id));
