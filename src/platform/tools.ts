import type { Executor } from './db/index.js';
import type { Plan } from './plans.js';

/**
 * The tools an agent can use, gathered from every module that offers some (installed skills,
 * integrations, MCP). The execution runtime asks the registry; it never knows where a tool lives.
 */
export interface ToolDef {
  /** Unique within a tenant, stable: the LLM calls tools by this name. */
  name: string;
  /** What people call it (a skill's name); summaries and traces use it. */
  title: string;
  description: string;
  /** Words that say what it is for (a skill's tags); the embedded planner reads them. */
  tags: string[];
  /** JSON Schema of the arguments. */
  input_schema: Record<string, unknown>;
  /** Governance action verb this tool performs (read, analyze, create, delete, …). */
  action: string;
  /** High-risk tools need an approval before they run, whatever the agent's maturity. */
  high_risk: boolean;
  /** Which provider offers it (skills, integrations, …) and its id there. */
  source: string;
  ref: string;
}

export interface ToolCall {
  tenantId: string;
  /** The tenant's plan when the caller already holds it (a provider reads it otherwise). */
  plan?: Plan;
  agentId: string | null;
  executionId: string | null;
  tool: ToolDef;
  args: Record<string, unknown>;
  signal?: AbortSignal;
  /** Stable per call (execution id + journal step): a retried call carries the same key. */
  idempotencyKey?: string;
  /**
   * The caller writes the provider's record of the call (`ToolResult.record`) in its own next
   * transaction (an execution's journal: with the call's end), instead of the provider writing it
   * on its own.
   */
  deferRecord?: boolean;
}

/** Who asks for the tool list: an execution's source (api, chat, exam, …), when there is one. */
export interface ToolScope {
  source?: string;
}

export interface ToolResult {
  ok: boolean;
  output: unknown;
  error?: string;
  /**
   * With `deferRecord`: the provider's record of the call, for the caller to write in its transaction (tenant context).
   */
  record?: (ex: Executor) => Promise<void>;
}

export interface ToolProvider {
  source: string;
  listTools(tenantId: string, agentId: string | null, scope: ToolScope): Promise<ToolDef[]>;
  callTool(call: ToolCall): Promise<ToolResult>;
}

export class ToolRegistry {
  private readonly providers = new Map<string, ToolProvider>();

  register(provider: ToolProvider) {
    this.providers.set(provider.source, provider);
  }

  async list(tenantId: string, agentId: string | null, scope: ToolScope = {}): Promise<ToolDef[]> {
    const all = await Promise.all([...this.providers.values()].map((p) => p.listTools(tenantId, agentId, scope)));
    return all.flat();
  }

  async call(call: ToolCall): Promise<ToolResult> {
    const provider = this.providers.get(call.tool.source);
    if (!provider) return { ok: false, output: null, error: `no provider for tools of source '${call.tool.source}'` };
    return provider.callTool(call);
  }
}
