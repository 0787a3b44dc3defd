import type { ExecutionRow } from './repo.js';
import { compactResult } from './stored.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export const pollUrl = (e: Pick<ExecutionRow, 'agent_id' | 'id'>) => `/api/agents/${e.agent_id}/executions/${e.id}`;

/** The execution as the agent API shows it. */
export function executionView(e: ExecutionRow) {
  return {
    execution_id: e.id,
    agent_id: e.agent_id,
    task: e.task,
    status: e.status,
    progress: e.status === 'completed' ? 100 : e.progress,
    result: e.result,
    error: e.error,
    confidence: e.confidence,
    reasoning_trace: e.reasoning_trace,
    tools_used: e.tools_used,
    action: e.action,
    complexity: e.complexity,
    maturity_at_start: e.maturity_at_start,
    governance_violations: e.violations,
    human_interventions: e.interventions,
    awaiting_approval: e.awaiting_approval,
    started_at: iso(e.started_at),
    completed_at: iso(e.completed_at),
    duration_seconds: e.duration_ms === null ? null : Math.round(e.duration_ms) / 1000,
    created_at: iso(e.created_at)!,
    poll_url: pollUrl(e),
  };
}

/**
 * agent.executed, as the seeds show it (status is the execution's final status). The event is copied
 * into one job per subscriber and into webhook deliveries: large result fields are references.
 */
export function executedEvent(e: ExecutionRow) {
  return {
    agent_id: e.agent_id,
    execution_id: e.id,
    status: e.status,
    result: compactResult(e.result, pollUrl(e)),
    confidence: e.confidence,
    duration_seconds: e.duration_ms === null ? null : e.duration_ms / 1000,
    error: e.error,
  };
}
