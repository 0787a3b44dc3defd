-- Workflows that run. A run is a snapshot of its workflow's graph plus the run's state; each node
-- is one step of the same durable journal as agent runs (journal_steps, kind 'node', the step
-- number being the node's place in the graph's topological order). The journal's run may now be
-- an execution or a workflow run, so its foreign key gives way to a delete trigger on both.
ALTER TABLE journal_steps DROP CONSTRAINT journal_steps_tenant_id_run_id_fkey;
ALTER TABLE journal_steps DROP CONSTRAINT journal_steps_kind_check;
ALTER TABLE journal_steps ADD CONSTRAINT journal_steps_kind_check CHECK (kind IN ('model', 'tool', 'recall', 'node'));
ALTER TABLE journal_steps DROP CONSTRAINT journal_steps_status_check;
ALTER TABLE journal_steps ADD CONSTRAINT journal_steps_status_check
  CHECK (status IN ('started', 'completed', 'failed', 'awaiting_approval', 'approved', 'rejected', 'skipped', 'cancelled'));

CREATE FUNCTION atom_drop_journal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM journal_steps WHERE tenant_id = OLD.tenant_id AND run_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER executions_drop_journal AFTER DELETE ON executions FOR EACH ROW EXECUTE FUNCTION atom_drop_journal();

-- Activation: only an active workflow fires its webhook and schedule triggers.
ALTER TABLE workflows ADD COLUMN active boolean NOT NULL DEFAULT false;
ALTER TABLE workflows ADD COLUMN activated_at timestamptz;
-- The webhook trigger's signing secret, encrypted at rest (AES-256-GCM, tenant-bound AAD).
ALTER TABLE workflows ADD COLUMN webhook_secret text;

CREATE TABLE workflow_runs (
  tenant_id text NOT NULL,
  id text NOT NULL,
  workflow_id text NOT NULL,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled')),
  trigger text NOT NULL CHECK (trigger IN ('manual', 'webhook', 'schedule')),
  input jsonb NOT NULL DEFAULT '{}',
  output jsonb,
  error jsonb,
  -- the graph as it was when the run started: a run resumes on the graph it began with
  graph jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  heartbeat_at timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  requested_by text,
  scheduled_for timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX workflow_runs_listing ON workflow_runs (tenant_id, workflow_id, created_at DESC, id);
SELECT atom_tenant_table('workflow_runs');
CREATE TRIGGER workflow_runs_drop_journal AFTER DELETE ON workflow_runs FOR EACH ROW EXECUTE FUNCTION atom_drop_journal();

-- Schedule triggers of active workflows: the next tick of each. One process claims a due row
-- (FOR UPDATE SKIP LOCKED), creates the run and moves next_at in one transaction: one run per tick.
CREATE TABLE workflow_schedules (
  tenant_id text NOT NULL,
  workflow_id text NOT NULL,
  node_id text NOT NULL,
  cron text NOT NULL,
  timezone text NOT NULL DEFAULT 'UTC',
  next_at timestamptz NOT NULL,
  last_fired_at timestamptz,
  PRIMARY KEY (tenant_id, workflow_id, node_id),
  FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX workflow_schedules_due ON workflow_schedules (next_at);
SELECT atom_tenant_table('workflow_schedules');

-- What a run's live stream sends (node started / finished / failed, run done), numbered per run:
-- a client that reconnects with Last-Event-ID gets what it missed. One writer per run (the
-- runner holding its lease), so the numbers are dense and in commit order.
CREATE TABLE workflow_run_events (
  tenant_id text NOT NULL,
  run_id text NOT NULL,
  seq integer NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, run_id, seq),
  FOREIGN KEY (tenant_id, run_id) REFERENCES workflow_runs (tenant_id, id) ON DELETE CASCADE
);
SELECT atom_tenant_table('workflow_run_events');
