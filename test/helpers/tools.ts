import type { ToolCall, ToolDef, ToolProvider, ToolResult } from '../../src/platform/tools.js';

/**
 * A real in-process ToolProvider for tests. It stands in for the skills module's provider
 * (installed skills as tools), which registers the same way.
 */
export interface TestTool {
  def: Omit<ToolDef, 'source' | 'ref' | 'input_schema' | 'title' | 'tags'> & {
    input_schema?: Record<string, unknown>;
    title?: string;
    tags?: string[];
  };
  run: (args: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown> | unknown;
}

/** A test tool takes the task as its one required input unless it declares its own schema. */
const TASK_INPUT = { type: 'object', properties: { task: { type: 'string' } }, required: ['task'] };

export function testTools(
  tools: TestTool[],
  calls: { tool: string; args: Record<string, unknown> }[] = [],
): ToolProvider {
  const defs = tools.map((t) => ({
    ...t.def,
    title: t.def.title ?? t.def.name,
    tags: t.def.tags ?? [],
    input_schema: t.def.input_schema ?? TASK_INPUT,
    source: 'test',
    ref: t.def.name,
  }));
  return {
    source: 'test',
    async listTools() {
      return defs;
    },
    async callTool(call: ToolCall): Promise<ToolResult> {
      const tool = tools.find((t) => t.def.name === call.tool.name)!;
      calls.push({ tool: call.tool.name, args: call.args });
      try {
        return { ok: true, output: await tool.run(call.args, call.signal) };
      } catch (err) {
        return { ok: false, output: null, error: (err as Error).message };
      }
    },
  };
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

/** The standard kit: one tool per governance level, a high-risk one and a slow one. */
export function standardKit(calls: { tool: string; args: Record<string, unknown> }[] = []) {
  return testTools(
    [
      {
        def: {
          name: 'web_search',
          description: 'Search the web for research papers and articles',
          action: 'search',
          high_risk: false,
        },
        run: (a) => ({ results: [`paper about ${a.task}`] }),
      },
      {
        def: {
          name: 'sales_analyzer',
          description: 'Analyze sales data and revenue figures',
          action: 'analyze',
          high_risk: false,
        },
        run: () => ({ growth_rate: 0.15 }),
      },
      {
        def: {
          name: 'email_sender',
          description: 'Send email messages to customers',
          action: 'send_email',
          high_risk: false,
        },
        run: () => ({ sent: true }),
      },
      {
        def: {
          name: 'record_deleter',
          description: 'Delete stale records from the database',
          action: 'delete',
          high_risk: false,
        },
        run: () => ({ deleted: 3 }),
      },
      {
        def: {
          name: 'wire_transfer',
          description: 'Wire transfer money payment to a vendor',
          action: 'read',
          high_risk: true,
        },
        run: () => ({ transferred: true }),
      },
      {
        def: {
          name: 'slow_report',
          description: 'Compile the quarterly inventory digest slowly',
          action: 'read',
          high_risk: false,
        },
        run: async (_a, signal) => {
          await sleep(4000, signal);
          return { digest: 'done' };
        },
      },
      {
        def: { name: 'broken_tool', description: 'Fetch weather forecast data', action: 'fetch', high_risk: false },
        run: () => {
          throw new Error('upstream unavailable');
        },
      },
    ],
    calls,
  );
}
