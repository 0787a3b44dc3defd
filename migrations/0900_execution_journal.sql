-- The durable journal of a run: one row per step (a model turn, a tool call, a recalled memory),
-- written before the step acts and again when it finishes. A run that resumes replays finished
-- steps from here instead of acting again; (run_id, step_no) is the step's idempotency key.
CREATE TABLE journal_steps (
  tenant_id text NOT NULL,
  run_id text NOT NULL,
  step_no integer NOT NULL CHECK (step_no > 0),
  kind text NOT NULL CHECK (kind IN ('model', 'tool', 'recall')),
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('started', 'completed', 'failed', 'awaiting_approval', 'approved', 'rejected')),
  request jsonb,
  digest text,
  result jsonb,
  error text,
  usage jsonb,
  approval_id text,
  attempts integer NOT NULL DEFAULT 1,
  trace_len integer NOT NULL DEFAULT 0,
  duration_ms integer,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (tenant_id, run_id, step_no),
  FOREIGN KEY (tenant_id, run_id) REFERENCES executions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX journal_steps_approval ON journal_steps (tenant_id, approval_id) WHERE approval_id IS NOT NULL;
SELECT atom_tenant_table('journal_steps');
