import { TimeoutError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { type Page, paginate, toPage } from './pagination.js';
import { ROUTES } from './routes.js';
import { type ClientOptions, type RequestOptions, Transport } from './transport.js';

type Ok<P extends keyof paths, M extends keyof paths[P], C extends string = '200'> = paths[P][M] extends {
  responses: infer R;
}
  ? C extends keyof R
    ? R[C] extends { data: infer D }
      ? D
      : never
    : never
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: infer B } ? B : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query: infer Q } }
  ? Q
  : never;

/** Types of the agent API, taken from the server's OpenAPI document (sdk/src/generated/openapi.ts). */
export type Agent = Ok<'/api/agents', 'post', '201'>['agent'];
export type AgentDetail = Ok<'/api/agents/{id}', 'get'>['agent'];
export type AgentPagination = Ok<'/api/agents', 'get'>['pagination'];
export type CreateAgentInput = Body<'/api/agents', 'post'>;
export type UpdateAgentInput = Body<'/api/agents/{id}', 'put'>;
export type ListAgentsQuery = Partial<Query<'/api/agents', 'get'>>;
export type ExecuteInput = Body<'/api/agents/{id}/execute', 'post'>;
export type Execution = Ok<'/api/agents/{id}/executions/{execution_id}', 'get'>;

export interface ExecuteOptions extends Pick<RequestOptions, 'signal' | 'idempotencyKey' | 'timeoutMs'> {
  /** Poll until the execution is completed, failed or cancelled (default true). */
  wait?: boolean;
  /** First poll interval in ms (default 500); grows by half up to 5 s. */
  pollIntervalMs?: number;
  /** Give up waiting after this many ms (default 600 000); throws a TimeoutError carrying the last state. */
  waitTimeoutMs?: number;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * The agent API: `client.agents.list/create/get/update/delete/execute`. Bodies and results keep
 * the server's snake_case field names, as the agent API seed writes them.
 */
export class AtomClient {
  readonly transport: Transport;
  readonly agents: AgentsResource;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.agents = new AgentsResource(this.transport);
  }
}

export class AgentsResource {
  constructor(private readonly t: Transport) {}

  /** One page (default page 1, 20 per page) as a `Page` array with `.pagination`. */
  async list(query: ListAgentsQuery = {}): Promise<Page<Agent> & { pagination?: AgentPagination }> {
    const data = await this.t.call<Ok<'/api/agents', 'get'>>(ROUTES.listAgents, { query });
    return Object.assign(toPage<Agent>(data), { pagination: data.pagination });
  }

  /** Every agent matching `query`, page after page. */
  iterate(query: Omit<ListAgentsQuery, 'page'> = {}): AsyncGenerator<Agent> {
    return paginate((page) => this.list({ limit: 100, ...query, page }));
  }

  /** `maturity_level` defaults to `student` (the api-overview example omits it; the server requires it). */
  async create(
    input: Omit<CreateAgentInput, 'maturity_level'> & Partial<Pick<CreateAgentInput, 'maturity_level'>>,
    o: RequestOptions = {},
  ): Promise<Agent> {
    const body = { maturity_level: 'student' as const, ...input };
    return (await this.t.call<Ok<'/api/agents', 'post', '201'>>(ROUTES.createAgent, { ...o, body })).agent;
  }

  async get(agentId: string): Promise<AgentDetail> {
    return (await this.t.call<Ok<'/api/agents/{id}', 'get'>>(ROUTES.getAgent, { params: { id: agentId } })).agent;
  }

  async update(agentId: string, input: UpdateAgentInput): Promise<Agent> {
    return (
      await this.t.call<Ok<'/api/agents/{id}', 'put'>>(ROUTES.updateAgent, { params: { id: agentId }, body: input })
    ).agent;
  }

  async delete(agentId: string): Promise<Ok<'/api/agents/{id}', 'delete'>> {
    return this.t.call(ROUTES.deleteAgent, { params: { id: agentId } });
  }

  /**
   * Runs a task. The server answers 200 when it finished quickly, else 202 with a `poll_url`; by
   * default this polls that URL until the execution is completed, failed or cancelled.
   */
  async execute(agentId: string, input: ExecuteInput, options: ExecuteOptions = {}): Promise<Execution> {
    const { wait = true, pollIntervalMs = 500, waitTimeoutMs = 600_000, ...req } = options;
    let view = await this.t.call<Execution>(ROUTES.executeAgent, { ...req, params: { id: agentId }, body: input });
    if (!wait) return view;
    const deadline = Date.now() + waitTimeoutMs;
    let interval = pollIntervalMs;
    while (!FINISHED.has(view.status)) {
      if (Date.now() + interval > deadline) {
        throw new TimeoutError({
          code: 'EXECUTION_WAIT_TIMEOUT',
          status: 0,
          message: `execution ${view.execution_id} still ${view.status} after ${waitTimeoutMs} ms`,
          details: { execution: view },
        });
      }
      await new Promise((r) => setTimeout(r, interval));
      interval = Math.min(5_000, Math.round(interval * 1.5));
      view = await this.getExecution(agentId, view.execution_id, view.poll_url, req.signal);
    }
    return view;
  }

  /** One execution's state (`poll_url` when known, else the documented route). */
  async getExecution(agentId: string, executionId: string, pollUrl?: string, signal?: AbortSignal): Promise<Execution> {
    if (pollUrl) return this.t.get<Execution>(pollUrl, { signal });
    return this.t.call<Execution>(ROUTES.getExecution, { params: { id: agentId, execution_id: executionId }, signal });
  }

  async cancelExecution(agentId: string, executionId: string): Promise<Execution> {
    return this.t.call<Execution>(ROUTES.cancelExecution, { params: { id: agentId, execution_id: executionId } });
  }

  async listExecutions(
    agentId: string,
    query: { page?: number; limit?: number; status?: string } = {},
  ): Promise<Page<Execution>> {
    return toPage<Execution>(await this.t.call(ROUTES.listExecutions, { params: { id: agentId }, query }));
  }
}
