import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { mcpService } from './service.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  tenantId: string;
  agentId: string | null;
  userId: string | null;
}

const MAX_SESSIONS = 1000;

/**
 * MCP over Streamable HTTP (@modelcontextprotocol/sdk). A session belongs to the tenant (and
 * optionally the agent) that opened it; tools are that tenant's tools, calls are governed.
 */
export function mcpSessions(ctx: AppContext) {
  const mcp = mcpService(ctx);
  const sessions = new Map<string, Session>();

  function newServer(s: Omit<Session, 'transport'>): Server {
    const server = new Server({ name: 'atom', version: '0.1.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await mcp.tools(s.tenantId, s.agentId) }));
    server.setRequestHandler(CallToolRequestSchema, async (req) => mcp.callAsMcp(s.tenantId, s.userId, s.agentId, req.params.name, req.params.arguments ?? {}));
    return server;
  }

  return {
    /** The transport for this request: the session's, or a new one for an initialize request. */
    async transportFor(sessionId: string | undefined, owner: Omit<Session, 'transport'>): Promise<StreamableHTTPServerTransport> {
      if (sessionId) {
        const s = sessions.get(sessionId);
        if (!s || s.tenantId !== owner.tenantId) throw new AppError('NOT_FOUND', 'Unknown MCP session');
        return s.transport;
      }
      if (sessions.size >= MAX_SESSIONS) throw new AppError('SERVICE_UNAVAILABLE', 'Too many open MCP sessions; close some (DELETE /api/mcp)');
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, { ...owner, transport }),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await newServer(owner).connect(transport);
      return transport;
    },

    async closeAll() {
      for (const s of sessions.values()) await s.transport.close().catch(() => undefined);
      sessions.clear();
    },
  };
}
