import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { wireName } from '../executions/runtime/llm-loop.js';
import { runnerFor } from '../executions/runtime/shared.js';
import { executionsService } from '../executions/service.js';

export function mcpService(ctx: AppContext) {
  const executions = executionsService(ctx, runnerFor(ctx));

  return {
    /** The tenant's tools (for an agent, the ones it may see) in MCP's shape. */
    async tools(tenantId: string, agentId: string | null) {
      const tools = await ctx.tools.list(tenantId, agentId);
      return tools.map((t) => ({
        name: wireName(t.name),
        description: t.description,
        inputSchema: { type: 'object' as const, ...t.input_schema },
      }));
    },

    /** A governed call; needs an agent, whose maturity decides what it may do. */
    async call(
      tenantId: string,
      userId: string | null,
      agentId: string | null,
      name: string,
      args: Record<string, unknown>,
    ) {
      if (!agentId)
        throw new AppError(
          'MISSING_REQUIRED_FIELD',
          'Tool calls run as an agent: give agent_id (or the X-Agent-ID header)',
          { field: 'agent_id' },
        );
      return executions.runTool(tenantId, userId, agentId, name, args, 'mcp');
    },

    /** The same call, answered as an MCP tool result: refusals become error results the client can read. */
    async callAsMcp(
      tenantId: string,
      userId: string | null,
      agentId: string | null,
      name: string,
      args: Record<string, unknown>,
    ) {
      try {
        const r = await this.call(tenantId, userId, agentId, name, args);
        return {
          content: [{ type: 'text' as const, text: JSON.stringify(r.ok ? r.output : { error: r.error }) }],
          structuredContent: { ...r },
          isError: !r.ok,
        };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return {
          content: [
            {
              type: 'text' as const,
              text: JSON.stringify({ code: err.code, message: err.message, details: err.details ?? null }),
            },
          ],
          isError: true,
        };
      }
    },
  };
}
