import type { Executor } from '../../platform/db/index.js';
import { pageQuery } from '../../platform/db/paging.js';

export interface SessionRow {
  id: string;
  agent_id: string;
  title: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChatEvent {
  seq: number;
  type: 'message' | 'step' | 'token' | 'status' | 'error';
  execution_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

const SESSION = 'id, agent_id, title, created_at, updated_at';

export async function insertSession(
  ex: Executor,
  tenantId: string,
  s: { id: string; agentId: string; title: string | null; by: string | null },
) {
  const [row] = await ex.query<SessionRow>(
    `INSERT INTO chat_sessions (tenant_id, id, agent_id, title, created_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${SESSION}`,
    [tenantId, s.id, s.agentId, s.title, s.by],
  );
  return row;
}

export async function getSession(ex: Executor, tenantId: string, id: string): Promise<SessionRow | null> {
  const [row] = await ex.query<SessionRow>(`SELECT ${SESSION} FROM chat_sessions WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return row ?? null;
}

export async function listSessions(
  ex: Executor,
  tenantId: string,
  f: { agentId?: string; limit: number; offset: number },
) {
  const params: unknown[] = [tenantId];
  let where = 'WHERE tenant_id = $1';
  if (f.agentId) where += ` AND agent_id = $${params.push(f.agentId)}`;
  return pageQuery<SessionRow & Record<string, unknown>>(ex, {
    columns: SESSION,
    from: `FROM chat_sessions ${where}`,
    params,
    orderBy: 'updated_at DESC, id',
    limit: f.limit,
    offset: f.offset,
  });
}

export async function deleteSession(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  return (
    (await ex.query('DELETE FROM chat_sessions WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id])).length >
    0
  );
}

/** Appends an event; with a dedupe key, a second append of the same thing is a no-op. */
export async function append(
  ex: Executor,
  tenantId: string,
  sessionId: string,
  e: { type: ChatEvent['type']; executionId?: string | null; dedupe?: string | null; data: Record<string, unknown> },
): Promise<ChatEvent | null> {
  const [row] = await ex.query<ChatEvent>(
    `INSERT INTO chat_events (tenant_id, session_id, type, execution_id, dedupe_key, data)
         VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, session_id, dedupe_key) DO NOTHING RETURNING seq, type, execution_id, data, created_at`,
    [tenantId, sessionId, e.type, e.executionId ?? null, e.dedupe ?? null, JSON.stringify(e.data)],
  );
  if (row)
    await ex.query('UPDATE chat_sessions SET updated_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      sessionId,
    ]);
  return row ?? null;
}

export async function eventsAfter(
  ex: Executor,
  tenantId: string,
  sessionId: string,
  afterSeq: number,
  types: string[] | null,
  limit = 500,
): Promise<ChatEvent[]> {
  return ex.query<ChatEvent>(
    `SELECT seq, type, execution_id, data, created_at FROM chat_events WHERE tenant_id = $1 AND session_id = $2
         AND seq > $3 AND ($4::text[] IS NULL OR type = ANY($4::text[])) ORDER BY seq LIMIT $5`,
    [tenantId, sessionId, afterSeq, types, limit],
  );
}

export async function hasEvents(
  ex: Executor,
  tenantId: string,
  sessionId: string,
  executionId: string,
  type: ChatEvent['type'],
): Promise<boolean> {
  const rows = await ex.query(
    'SELECT 1 FROM chat_events WHERE tenant_id = $1 AND session_id = $2 AND execution_id = $3 AND type = $4 LIMIT 1',
    [tenantId, sessionId, executionId, type],
  );
  return rows.length > 0;
}
