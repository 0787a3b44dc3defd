import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { mcpService } from './service.js';

interface Owner {
  tenantId: string;
  agentId: string | null;
  userId: string | null;
}

interface Session extends Owner {
  transport: StreamableHTTPServerTransport;
  /** When a request for it last started or ended. */
  lastUsed: number;
  /** POST and DELETE requests in progress: a session answering one is never idle. */
  inflight: number;
}

/** All tenants together, per process: beyond it the process is out of room (503). */
const MAX_SESSIONS = 1000;

/**
 * MCP over Streamable HTTP (@modelcontextprotocol/sdk). A session belongs to the tenant (and
 * optionally the agent) that opened it; tools are that tenant's tools, calls are governed.
 *
 * Sessions live in the memory of the process that opened them. A tenant may hold
 * `mcpSessionsPerTenant` of them (more: 429 MCP_SESSION_LIMIT); one without a request for
 * `mcpSessionIdleMs` is closed by a sweeper (an open GET stream alone does not keep it: clients
 * hold one for as long as they exist, abandoned ones too), and a request for a closed or unknown session gets 404, on
 * which MCP clients open a new session (the Streamable HTTP spec's rule).
 */
export function mcpSessions(ctx: AppContext) {
  const mcp = mcpService(ctx);
  const sessions = new Map<string, Session>();
  const { mcpSessionsPerTenant: perTenant, mcpSessionIdleMs: idleMs } = ctx.config;

  function newServer(s: Owner): Server {
    const server = new Server({ name: 'atom', version: '0.1.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await mcp.tools(s.tenantId, s.agentId) }));
    server.setRequestHandler(CallToolRequestSchema, async (req) =>
      mcp.callAsMcp(s.tenantId, s.userId, s.agentId, req.params.name, req.params.arguments ?? {}),
    );
    return server;
  }

  function drop(id: string) {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    void s.transport.close().catch(() => undefined);
  }

  function sweep() {
    const now = Date.now();
    for (const [id, s] of sessions) if (s.inflight === 0 && now - s.lastUsed > idleMs) drop(id);
  }
  const sweeper = setInterval(sweep, Math.max(100, Math.min(60_000, Math.floor(idleMs / 4))));
  sweeper.unref();

  const countOf = (tenantId: string) => [...sessions.values()].filter((s) => s.tenantId === tenantId).length;

  /**
   * A new session, counted at once (before the client's initialize completes) so concurrent opens cannot pass the cap.
   */
  async function open(owner: Owner): Promise<{ id: string; transport: StreamableHTTPServerTransport }> {
    const held = countOf(owner.tenantId);
    if (held >= perTenant) {
      throw new AppError(
        'MCP_SESSION_LIMIT',
        `This tenant already has ${held} open MCP sessions (the limit is ${perTenant}); close some (DELETE ` +
          `/api/mcp) or let idle ones expire`,
        {
          limit: perTenant,
          idle_expiry_seconds: Math.round(idleMs / 1000),
        },
        { 'retry-after': String(Math.max(1, Math.ceil(Math.min(idleMs, 60_000) / 1000))) },
      );
    }
    if (sessions.size >= MAX_SESSIONS)
      throw new AppError('SERVICE_UNAVAILABLE', 'Too many open MCP sessions on this server; try again later');
    const id = randomUUID();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id });
    transport.onclose = () => void sessions.delete(id);
    sessions.set(id, { ...owner, transport, lastUsed: Date.now(), inflight: 0 });
    await newServer(owner).connect(transport);
    return { id, transport };
  }

  return {
    /**
     * Runs one HTTP request on its session's transport: the session named by Mcp-Session-Id (404
     * when unknown here, or another tenant's), or a new one for a request without it (initialize).
     */
    async handle(
      sessionId: string | undefined,
      owner: Owner,
      stream: boolean,
      run: (t: StreamableHTTPServerTransport) => Promise<void>,
    ): Promise<void> {
      let id = sessionId;
      if (id) {
        const s = sessions.get(id);
        if (!s || s.tenantId !== owner.tenantId)
          throw new AppError(
            'NOT_FOUND',
            'MCP session not found (it expired, was closed, or lives in another server process); initialize a new one',
          );
      } else {
        id = (await open(owner)).id;
      }
      const s = sessions.get(id)!;
      const counted = stream ? 0 : 1;
      s.inflight += counted;
      s.lastUsed = Date.now();
      try {
        await run(s.transport);
      } finally {
        s.inflight -= counted;
        if (counted) s.lastUsed = Date.now();
        // A session-less request that did not initialize one (not an initialize request) keeps nothing.
        if (!sessionId && !s.transport.sessionId) drop(id);
      }
    },

    /** Open sessions of a tenant in this process. */
    count: countOf,

    async closeAll() {
      clearInterval(sweeper);
      for (const id of [...sessions.keys()]) drop(id);
    },
  };
}
