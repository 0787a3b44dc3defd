-- Agents, their executions, governance approvals and per-tenant governance overrides, daily usage.

CREATE TABLE agents (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  description text,
  role text NOT NULL,
  maturity_level text NOT NULL CHECK (maturity_level IN ('student', 'intern', 'supervised', 'autonomous')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'paused')),
  capabilities jsonb NOT NULL DEFAULT '[]',
  configuration jsonb NOT NULL DEFAULT '{}',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX agents_listing ON agents (tenant_id, created_at DESC, id);
SELECT atom_tenant_table('agents');

CREATE TABLE executions (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  task text NOT NULL,
  context jsonb NOT NULL DEFAULT '{}',
  parameters jsonb NOT NULL DEFAULT '{}',
  source text NOT NULL DEFAULT 'api',
  status text NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'cancelled')),
  progress integer NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  confidence double precision,
  reasoning_trace jsonb NOT NULL DEFAULT '[]',
  tools_used text[] NOT NULL DEFAULT '{}',
  action text NOT NULL,
  complexity integer NOT NULL,
  maturity_at_start text NOT NULL,
  violations jsonb NOT NULL DEFAULT '[]',
  interventions integer NOT NULL DEFAULT 0,
  approved_tools text[] NOT NULL DEFAULT '{}',
  awaiting_approval text,
  cancel_requested boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  heartbeat_at timestamptz,
  requested_by text,
  started_at timestamptz,
  completed_at timestamptz,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX executions_agent ON executions (tenant_id, agent_id, created_at DESC);
CREATE INDEX executions_open ON executions (tenant_id, agent_id) WHERE status IN ('pending', 'in_progress');
SELECT atom_tenant_table('executions');

CREATE TABLE governance_approvals (
  tenant_id text NOT NULL,
  id text NOT NULL,
  agent_id text NOT NULL,
  execution_id text NOT NULL,
  action text NOT NULL,
  tool text,
  complexity integer NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by text,
  decision_note text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, execution_id) REFERENCES executions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX governance_approvals_pending ON governance_approvals (tenant_id, status, created_at);
SELECT atom_tenant_table('governance_approvals');

CREATE TABLE governance_overrides (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  action text NOT NULL,
  complexity integer NOT NULL CHECK (complexity BETWEEN 1 AND 4),
  PRIMARY KEY (tenant_id, action)
);
SELECT atom_tenant_table('governance_overrides');

CREATE TABLE usage_counters (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  metric text NOT NULL,
  day date NOT NULL,
  count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, metric, day)
);
SELECT atom_tenant_table('usage_counters');
