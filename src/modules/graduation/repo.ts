import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';
import type { ExpectedBehavior } from './default-suite.js';
import { realOutcome } from './readiness.js';

export interface EpisodeRow {
  id: string;
  agent_id: string;
  execution_id: string | null;
  source: string;
  task: string;
  maturity_level: string;
  outcome: string;
  success: boolean;
  /** Completed with a non-empty result: only such episodes count towards graduation (readiness.ts). */
  real_outcome: boolean;
  confidence: number | null;
  interventions: number;
  violations: { action: string; tool: string | null; severity: string; reason: string }[];
  skills_used: string[];
  canvas_ids: string[];
  approvals_approved: number;
  approvals_rejected: number;
  duration_ms: number | null;
  feedback_score: number | null;
  feedback_count: number;
  created_at: Date;
}

const EPISODE = `id, agent_id, execution_id, source, task, maturity_level, outcome, success, real_outcome, confidence,
  interventions, violations, skills_used, canvas_ids, approvals_approved, approvals_rejected, duration_ms,
  feedback_score, feedback_count, created_at`;

/**
 * The episode of a finished execution (`end`: its row as the end wrote it), written in the same transaction as its end.
 */
export async function insertEpisodeForExecution(
  ex: Executor,
  end: { tenant_id: string; id: string; status: string; result: unknown },
  id: string,
  source: string,
): Promise<void> {
  await ex.query(
    `INSERT INTO episodes (tenant_id, id, agent_id, execution_id, source, task, maturity_level, outcome, success,
         real_outcome, confidence, interventions,
                           violations, skills_used, canvas_ids, approvals_approved, approvals_rejected, duration_ms)
     SELECT e.tenant_id, $3, e.agent_id, e.id, $4, e.task, e.maturity_at_start, e.status, e.status = 'completed', $5,
       e.confidence, e.interventions,
            e.violations, e.tools_used,
            ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.context->'canvas_ids') = 'array' THEN
              e.context->'canvas_ids' ELSE '[]'::jsonb END))
              || CASE WHEN jsonb_typeof(e.context->'canvas_id') = 'string' THEN ARRAY[e.context->>'canvas_id'] ELSE
                '{}'::text[] END,
            (SELECT count(*)::int FROM governance_approvals a WHERE a.tenant_id = e.tenant_id
              AND a.execution_id = e.id AND a.status = 'approved'),
            (SELECT count(*)::int FROM governance_approvals a WHERE a.tenant_id = e.tenant_id
              AND a.execution_id = e.id AND a.status = 'rejected'),
            e.duration_ms
       FROM executions e WHERE e.tenant_id = $1 AND e.id = $2`,
    [end.tenant_id, end.id, id, source, realOutcome(end.status, end.result)],
  );
}

export interface EpisodeFilter {
  success?: boolean;
  source?: string;
  since?: string;
  limit: number;
  offset: number;
}

export async function listEpisodes(ex: Executor, tenantId: string, agentId: string, f: EpisodeFilter) {
  const params: unknown[] = [tenantId, agentId];
  let where = 'WHERE tenant_id = $1 AND agent_id = $2';
  if (f.success !== undefined) where += ` AND success = $${params.push(f.success)}`;
  if (f.source) where += ` AND source = $${params.push(f.source)}`;
  if (f.since) where += ` AND created_at >= $${params.push(f.since)}`;
  return pageQuery<EpisodeRow & Record<string, unknown>>(ex, {
    columns: EPISODE,
    from: `FROM episodes ${where}`,
    params,
    orderBy: 'created_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}

/**
 * The readiness window, newest first: episodes other than exam runs (exams do not grade
 * themselves), without completed ones that did nothing real; failures stay (readiness.ts).
 */
export async function recentForReadiness(
  ex: Executor,
  tenantId: string,
  agentId: string,
  limit: number,
): Promise<EpisodeRow[]> {
  return ex.query<EpisodeRow>(
    `SELECT ${EPISODE} FROM episodes WHERE tenant_id = $1 AND agent_id = $2 AND source <> 'exam'
         AND (outcome <> 'completed' OR real_outcome)
      ORDER BY created_at DESC, id LIMIT $3`,
    [tenantId, agentId, limit],
  );
}

/** Episodes towards the minimum a promotion needs: only those with a real outcome, exam runs excluded. */
export async function countForReadiness(ex: Executor, tenantId: string, agentId: string): Promise<number> {
  const [{ n }] = await ex.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM episodes WHERE tenant_id = $1 AND agent_id = $2 AND source <> 'exam' " +
      'AND real_outcome',
    [tenantId, agentId],
  );
  return n;
}

export async function getEpisode(ex: Executor, tenantId: string, id: string): Promise<EpisodeRow | null> {
  const [row] = await ex.query<EpisodeRow>(`SELECT ${EPISODE} FROM episodes WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function insertFeedback(
  ex: Executor,
  tenantId: string,
  f: {
    id: string;
    episodeId: string;
    userId: string | null;
    score: number;
    category: string | null;
    text: string | null;
  },
) {
  const [row] = await ex.query<{
    id: string;
    episode_id: string;
    user_id: string | null;
    score: number;
    category: string | null;
    text: string | null;
    created_at: Date;
  }>(
    'INSERT INTO episode_feedback (tenant_id, id, episode_id, user_id, score, category, text) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, episode_id, user_id, score, category, text, created_at',
    [tenantId, f.id, f.episodeId, f.userId, f.score, f.category, f.text],
  );
  await ex.query(
    `UPDATE episodes SET feedback_count = s.n, feedback_score = s.avg
       FROM (SELECT count(*)::int AS n, avg(score)::float8 AS avg FROM episode_feedback WHERE tenant_id = $1
         AND episode_id = $2) s
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, f.episodeId],
  );
  return row;
}

export async function listFeedback(ex: Executor, tenantId: string, episodeId: string) {
  return ex.query<{
    id: string;
    episode_id: string;
    user_id: string | null;
    score: number;
    category: string | null;
    text: string | null;
    created_at: Date;
  }>(
    'SELECT id, episode_id, user_id, score, category, text, created_at FROM episode_feedback WHERE tenant_id = $1 ' +
      'AND episode_id = $2 ORDER BY created_at, id',
    [tenantId, episodeId],
  );
}

/**
 * Recall: the agent's past episodes most relevant to a task. Score = full-text relevance
 * (ts_rank over the task words, OR-ed) + recency (1 / (1 + age in days)) × 0.3 + feedback × 0.2
 * + 0.5 when the episode touched the same canvas.
 */
export async function recall(
  ex: Executor,
  tenantId: string,
  agentId: string,
  task: string,
  canvasId: string | null,
  limit: number,
) {
  const words = (task.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length > 2).slice(0, 32);
  if (words.length === 0) return [];
  return ex.query<EpisodeRow & { relevance: number; score: number }>(
    `SELECT ${EPISODE}, ts_rank(search, q) AS relevance,
            ts_rank(search, q) + 0.3 / (1 + extract(epoch FROM now() - created_at) / 86400) + 0.2 *
              coalesce(feedback_score, 0)
              + CASE WHEN $4::text IS NOT NULL AND $4::text = ANY(canvas_ids) THEN 0.5 ELSE 0 END AS score
       FROM episodes, to_tsquery('english', $3) q
      WHERE tenant_id = $1 AND agent_id = $2 AND search @@ q
      ORDER BY score DESC, created_at DESC LIMIT $5`,
    [tenantId, agentId, words.map((w) => `'${w}'`).join(' | '), canvasId, limit],
  );
}

export async function listEdgeCases(ex: Executor, tenantId: string, limit: number, offset: number) {
  return pageQuery<Record<string, unknown>>(ex, {
    columns:
      "id, CASE WHEN tenant_id = '*' THEN 'global' ELSE 'tenant' END AS scope, input, expected_behavior, " +
      'expected_output_contains, severity, description, created_at',
    from: "FROM edge_cases WHERE tenant_id IN ($1, '*')",
    params: [tenantId],
    orderBy: 'created_at, id',
    limit,
    offset,
  });
}

export async function countEdgeCases(ex: Executor, tenantId: string): Promise<number> {
  const [{ n }] = await ex.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM edge_cases WHERE tenant_id IN ($1, '*')",
    [tenantId],
  );
  return n;
}

export async function allEdgeCases(ex: Executor, tenantId: string) {
  return ex.query<{
    id: string;
    scope: 'global' | 'tenant';
    input: string;
    expected_behavior: ExpectedBehavior;
    expected_output_contains: string | null;
    severity: string;
  }>(
    "SELECT id, CASE WHEN tenant_id = '*' THEN 'global' ELSE 'tenant' END AS scope, input, expected_behavior, " +
      "expected_output_contains, severity FROM edge_cases WHERE tenant_id IN ($1, '*') ORDER BY created_at, id",
    [tenantId],
  );
}

export async function insertEdgeCase(
  ex: Executor,
  scopeTenant: string,
  c: {
    id: string;
    input: string;
    expected_behavior: string;
    expected_output_contains: string | null;
    severity: string;
    description: string | null;
    by: string | null;
  },
) {
  await ex.query(
    'INSERT INTO edge_cases (tenant_id, id, input, expected_behavior, expected_output_contains, severity, ' +
      'description, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [scopeTenant, c.id, c.input, c.expected_behavior, c.expected_output_contains, c.severity, c.description, c.by],
  );
}

export async function lastExam(ex: Executor, tenantId: string, agentId: string) {
  const [row] = await ex.query<{ id: string; passed: boolean; cooldown_until: Date | null; created_at: Date }>(
    'SELECT id, passed, cooldown_until, created_at FROM graduation_exams WHERE tenant_id = $1 AND agent_id = $2 ' +
      'ORDER BY created_at DESC, id LIMIT 1',
    [tenantId, agentId],
  );
  return row ?? null;
}

export async function insertExam(
  ex: Executor,
  tenantId: string,
  e: {
    id: string;
    agentId: string;
    from: string;
    target: string;
    passed: boolean;
    readiness: number;
    results: unknown;
    reasons: string[];
    cooldownUntil: Date | null;
  },
) {
  await ex.query(
    `INSERT INTO graduation_exams (tenant_id, id, agent_id, from_level, target_level, passed, readiness_score,
         results, reasons, cooldown_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      tenantId,
      e.id,
      e.agentId,
      e.from,
      e.target,
      e.passed,
      e.readiness,
      JSON.stringify(e.results),
      JSON.stringify(e.reasons),
      e.cooldownUntil,
    ],
  );
}

export async function listExams(ex: Executor, tenantId: string, agentId: string) {
  return ex.query<Record<string, unknown>>(
    'SELECT id, from_level, target_level, passed, readiness_score, reasons, cooldown_until, created_at ' +
      'FROM graduation_exams WHERE tenant_id = $1 AND agent_id = $2 ORDER BY created_at DESC, id',
    [tenantId, agentId],
  );
}

export async function insertChange(
  ex: Executor,
  tenantId: string,
  c: {
    id: string;
    agentId: string;
    from: string;
    to: string;
    kind: string;
    justification: string | null;
    readiness: number | null;
    examId: string | null;
    by: string | null;
  },
) {
  await ex.query(
    `INSERT INTO maturity_changes (tenant_id, id, agent_id, from_level, to_level, kind, justification,
         readiness_score, exam_id, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [tenantId, c.id, c.agentId, c.from, c.to, c.kind, c.justification, c.readiness, c.examId, c.by],
  );
}

export async function listChanges(ex: Executor, tenantId: string, agentId: string) {
  return ex.query<Record<string, unknown>>(
    'SELECT id, from_level, to_level, kind, justification, readiness_score, exam_id, changed_by, created_at ' +
      'FROM maturity_changes WHERE tenant_id = $1 AND agent_id = $2 ORDER BY created_at DESC, id',
    [tenantId, agentId],
  );
}
