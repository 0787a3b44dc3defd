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
SELECT atom_tenant_table('chat_sessions');

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
SELECT atom_tenant_table('chat_events');
