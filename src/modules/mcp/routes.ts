import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tenantOf } from '../../platform/auth/guard.js';
import type { AppContext } from '../../platform/context.js';
import { Envelope, ok } from '../../platform/http/envelope.js';
import { mcpSessions } from './server.js';
import { mcpService } from './service.js';

const tags = ['MCP'];
const Tool = Type.Object({
  name: Type.String(),
  description: Type.String(),
  inputSchema: Type.Record(Type.String(), Type.Unknown()),
});
const agentOf = (req: FastifyRequest) => {
  const h = req.headers['x-agent-id'];
  const q = (req.query as { agent_id?: string } | undefined)?.agent_id;
  return (typeof h === 'string' && h) || q || null;
};

export const mcpRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const mcp = mcpService(ctx);
    const sessions = mcpSessions(ctx);
    app.addHook('onClose', () => sessions.closeAll());

    /** Hands the raw request to the MCP transport, keeping the headers our hooks set (rate limits, request id). */
    async function handOver(req: FastifyRequest, reply: FastifyReply) {
      const sessionId = typeof req.headers['mcp-session-id'] === 'string' ? req.headers['mcp-session-id'] : undefined;
      const owner = { tenantId: tenantOf(req), agentId: agentOf(req), userId: req.principal!.userId };
      await sessions.handle(sessionId, owner, req.method === 'GET', async (transport) => {
        reply.hijack();
        for (const [k, v] of Object.entries(reply.getHeaders()))
          if (v !== undefined) reply.raw.setHeader(k, v as string);
        await transport.handleRequest(req.raw, reply.raw, req.body);
      });
    }

    const mcpSchema = (summary: string) => ({
      tags,
      summary,
      querystring: Type.Object({ agent_id: Type.Optional(Type.String()) }),
    });
    app.post(
      '/api/mcp',
      {
        schema: mcpSchema('MCP Streamable HTTP endpoint (JSON-RPC); X-Agent-ID or ?agent_id= picks the acting agent'),
        config: { permission: 'AGENT_EXECUTE' },
      },
      handOver,
    );
    app.get(
      '/api/mcp',
      {
        schema: mcpSchema('MCP server-to-client stream (SSE) for an open session (Mcp-Session-Id)'),
        config: { permission: 'AGENT_VIEW' },
      },
      handOver,
    );
    app.delete(
      '/api/mcp',
      { schema: mcpSchema('Close an MCP session'), config: { permission: 'AGENT_VIEW', write: false } },
      handOver,
    );

    app.post(
      '/api/mcp/tools',
      {
        schema: {
          tags,
          summary: 'List available tools (REST equivalent of tools/list)',
          body: Type.Object({ agent_id: Type.Optional(Type.String()) }, { additionalProperties: false }),
          response: { 200: Envelope(Type.Object({ tools: Type.Array(Tool) })) },
        },
        config: { permission: 'AGENT_VIEW', write: false },
      },
      async (req) => ok(req, { tools: await mcp.tools(tenantOf(req), req.body.agent_id ?? null) }),
    );

    app.post(
      '/api/mcp/execute',
      {
        schema: {
          tags,
          summary: 'Execute a tool as an agent, governed like any execution (REST equivalent of tools/call)',
          body: Type.Object(
            {
              agent_id: Type.String(),
              tool: Type.String({ minLength: 1, maxLength: 100 }),
              arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Envelope(
              Type.Object({
                tool: Type.String(),
                ok: Type.Boolean(),
                output: Type.Unknown(),
                error: Type.Union([Type.String(), Type.Null()]),
                execution_id: Type.String(),
              }),
            ),
          },
        },
        config: { permission: 'AGENT_EXECUTE' },
      },
      async (req) =>
        ok(
          req,
          await mcp.call(
            tenantOf(req),
            req.principal!.userId,
            req.body.agent_id,
            req.body.tool,
            req.body.arguments ?? {},
          ),
        ),
    );
  };
