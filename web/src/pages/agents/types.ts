export const MATURITY = ['student', 'intern', 'supervised', 'autonomous'] as const;
export const ROLES = ['general-assistant', 'finance-agent', 'marketing-agent', 'developer-agent', 'custom'] as const;
export const STATUSES = ['active', 'inactive', 'paused'] as const;

export interface Agent {
  id: string;
  name: string;
  description: string | null;
  role: string;
  maturity_level: string;
  status: string;
  capabilities: string[];
  created_at: string;
  updated_at: string;
  configuration?: Record<string, unknown>;
  statistics?: {
    total_executions: number;
    successful_executions: number;
    success_rate: number;
    avg_confidence: number | null;
    last_execution: string | null;
  };
  graduation?: {
    current_level: string;
    readiness_score: number;
    eligible_levels: string[];
    episodes_until_exam: number;
  };
}

export interface Execution {
  execution_id: string;
  task: string;
  status: string;
  progress: number;
  result: { summary?: string } | null;
  error: string | null;
  confidence: number | null;
  tools_used: string[];
  reasoning_trace: Record<string, unknown>[];
  awaiting_approval: string | null;
  created_at: string;
  duration_seconds: number | null;
  poll_url: string;
}

export const FINISHED = new Set(['completed', 'failed', 'cancelled']);
