-- Episodic memory, feedback, edge cases, exams and maturity history.

CREATE TABLE episodes (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  execution_id text,
  source text NOT NULL DEFAULT 'execution' CHECK (source IN ('execution', 'exam', 'canvas', 'training')),
  task text NOT NULL,
  maturity_level text NOT NULL,
  outcome text NOT NULL,
  success boolean NOT NULL,
  confidence double precision,
  interventions integer NOT NULL DEFAULT 0,
  violations jsonb NOT NULL DEFAULT '[]',
  skills_used text[] NOT NULL DEFAULT '{}',
  canvas_ids text[] NOT NULL DEFAULT '{}',
  approvals_approved integer NOT NULL DEFAULT 0,
  approvals_rejected integer NOT NULL DEFAULT 0,
  duration_ms integer,
  feedback_score double precision,
  feedback_count integer NOT NULL DEFAULT 0,
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', task)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX episodes_agent ON episodes (tenant_id, agent_id, created_at DESC);
CREATE INDEX episodes_search ON episodes USING gin (search);
SELECT atom_tenant_table('episodes');

CREATE TABLE episode_feedback (
  tenant_id text NOT NULL,
  id text NOT NULL,
  episode_id text NOT NULL,
  user_id text,
  score double precision NOT NULL CHECK (score BETWEEN -1 AND 1),
  category text,
  text text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, episode_id) REFERENCES episodes (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX episode_feedback_episode ON episode_feedback (tenant_id, episode_id, created_at);
SELECT atom_tenant_table('episode_feedback');

-- Global edge cases belong to the platform: tenant_id '*', visible to every tenant, written only
-- in the platform context.
CREATE TABLE edge_cases (
  tenant_id text NOT NULL,
  id text NOT NULL,
  input text NOT NULL,
  expected_behavior text NOT NULL CHECK (expected_behavior IN ('complete', 'refuse', 'escalate')),
  expected_output_contains text,
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  description text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
ALTER TABLE edge_cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE edge_cases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON edge_cases USING (atom_tenant_visible(tenant_id) OR tenant_id = '*') WITH CHECK (atom_tenant_visible(tenant_id));

CREATE TABLE graduation_exams (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  from_level text NOT NULL,
  target_level text NOT NULL,
  passed boolean NOT NULL,
  readiness_score double precision NOT NULL,
  results jsonb NOT NULL,
  reasons jsonb NOT NULL DEFAULT '[]',
  cooldown_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX graduation_exams_agent ON graduation_exams (tenant_id, agent_id, created_at DESC);
SELECT atom_tenant_table('graduation_exams');

CREATE TABLE maturity_changes (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  from_level text NOT NULL,
  to_level text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('exam', 'promotion', 'demotion')),
  justification text,
  readiness_score double precision,
  exam_id text,
  changed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX maturity_changes_agent ON maturity_changes (tenant_id, agent_id, created_at DESC);
SELECT atom_tenant_table('maturity_changes');
