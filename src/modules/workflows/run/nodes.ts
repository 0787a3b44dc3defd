import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import { AppError } from '../../../platform/errors.js';
import { BlockedDestinationError, safeFetch } from '../../../platform/net/safe-fetch.js';
import type { ToolDef } from '../../../platform/tools.js';
import { consumeSkillRun } from '../../../platform/usage.js';
import { evaluate, render } from '../expressions.js';
import { runAgentNode } from './agent-node.js';
import { type NodeResult, type NodeRun, PermanentNodeError } from './node-run.js';
import { chooseBranches } from './plan.js';

const c = (n: NodeRun) => (n.node.config ?? {}) as Record<string, unknown>;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** What the node acts on, computed before it acts (the journal records it as the node's input). */
export async function prepare(n: NodeRun): Promise<Record<string, unknown>> {
  const cfg = c(n);
  switch (n.type) {
    case 'trigger':
      return { input: n.scope.input };
    case 'condition':
    case 'transform':
      return { expression: cfg.expression, upstream: n.upstream };
    case 'output':
      return cfg.value !== undefined
        ? { value: await render(cfg.value, n.scope) }
        : { expression: cfg.expression ?? null, upstream: n.upstream };
    case 'agent':
      return {
        agent: cfg.agent_id ?? cfg.agent,
        task: await render(cfg.task, n.scope),
        ...(typeof cfg.action === 'string' ? { action: cfg.action } : {}),
        context: (await render(cfg.context ?? {}, n.scope)) ?? {},
        parameters: (await render(cfg.parameters ?? {}, n.scope)) ?? {},
      };
    case 'skill':
      return { skill: cfg.skill_id ?? cfg.skill, inputs: (await render(cfg.inputs ?? {}, n.scope)) ?? {} };
    case 'http':
      return {
        method: String(cfg.method ?? 'GET').toUpperCase(),
        url: await render(cfg.url, n.scope),
        headers: (await render(cfg.headers ?? {}, n.scope)) ?? {},
        query: (await render(cfg.query ?? {}, n.scope)) ?? {},
        ...(cfg.body !== undefined ? { body: await render(cfg.body, n.scope) } : {}),
      };
  }
}

/** Runs the node on its prepared input. */
export async function execute(n: NodeRun, input: Record<string, unknown>, admit: AdmitSkill): Promise<NodeResult> {
  const done = (output: unknown, branches?: string[]): NodeResult => ({
    kind: 'done',
    output: bounded(n, output),
    ...(branches ? { branches } : {}),
  });
  switch (n.type) {
    case 'trigger':
      return done(n.scope.input);
    case 'transform':
      return done(required(n, await evaluate(String(input.expression), n.scope), 'its expression gave no value'));
    case 'condition': {
      const value = await evaluate(String(input.expression), n.scope);
      const branches = [...chooseBranches(value, n.outgoing)];
      return done({ value: value ?? null, branches }, branches);
    }
    case 'output':
      return done(required(n, await outputValue(n, input), 'it has no value (set config.value or config.expression)'));
    case 'http':
      return done(await callHttp(n, input));
    case 'skill':
      return done(await callSkill(n, input, admit));
    case 'agent': {
      const r = await runAgentNode(n, input);
      return r.kind === 'done' ? done(r.output) : r;
    }
  }
}

async function outputValue(n: NodeRun, input: Record<string, unknown>): Promise<unknown> {
  if ('value' in input) return input.value;
  if (typeof input.expression === 'string') return evaluate(input.expression, n.scope);
  const ids = Object.keys(n.upstream);
  return ids.length === 1 ? n.upstream[ids[0]] : ids.length ? n.upstream : undefined;
}

function required(n: NodeRun, value: unknown, why: string): unknown {
  if (value === undefined || value === null || value === '')
    throw new PermanentNodeError(`node '${n.node.id}' produced nothing: ${why}`);
  return value;
}

function bounded(n: NodeRun, output: unknown): unknown {
  const text = JSON.stringify(output ?? null);
  // PostgreSQL's jsonb cannot hold U+0000: the journal could not record this output.
  if (text.includes('\\u0000'))
    throw new PermanentNodeError(
      `node '${n.node.id}' output contains a NUL character (\\u0000), which cannot be stored`,
    );
  const size = Buffer.byteLength(text);
  if (size > MAX_OUTPUT_BYTES)
    throw new PermanentNodeError(`node '${n.node.id}' output is ${size} bytes; the limit is ${MAX_OUTPUT_BYTES}`);
  return output ?? null;
}

async function callHttp(n: NodeRun, input: Record<string, unknown>): Promise<unknown> {
  const url = new URL(String(input.url ?? ''), 'invalid://');
  if (url.protocol === 'invalid:')
    throw new PermanentNodeError(`node '${n.node.id}': url '${String(input.url)}' is not an absolute URL`);
  for (const [k, v] of Object.entries((input.query ?? {}) as Record<string, unknown>))
    url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const headers: Record<string, string> = { 'idempotency-key': n.key };
  for (const [k, v] of Object.entries((input.headers ?? {}) as Record<string, unknown>))
    headers[k.toLowerCase()] = String(v);
  let body: string | undefined;
  if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    headers['content-type'] ??= typeof input.body === 'string' ? 'text/plain' : 'application/json';
  }
  let res: Awaited<ReturnType<typeof safeFetch>>;
  try {
    res = await safeFetch(url.toString(), {
      method: String(input.method),
      headers,
      body,
      timeoutMs: 5 * 60_000,
      signal: n.signal,
      allowLoopback: n.ctx.config.allowInsecureWebhooks,
    });
  } catch (err) {
    if (err instanceof BlockedDestinationError) throw new PermanentNodeError(`node '${n.node.id}': ${err.message}`);
    throw err;
  }
  const type = String(res.headers['content-type'] ?? '');
  const text = res.body.toString('utf8');
  let parsed: unknown = text;
  if (type.includes('json'))
    try {
      parsed = JSON.parse(text);
    } catch {
      /* kept as text */
    }
  if (res.status >= 400) {
    const msg =
      `node '${n.node.id}': ${input.method} ${url.origin}${url.pathname} answered ` +
      `HTTP ${res.status}: ${text.slice(0, 300)}`;
    throw res.status >= 500 || res.status === 429 || res.status === 408 ? new Error(msg) : new PermanentNodeError(msg);
  }
  return { status: res.status, headers: { 'content-type': type }, body: parsed };
}

/** Counts the skill run against the plan in the transaction that writes the node as started. */
export type AdmitSkill = (count: (ex: Executor) => Promise<string | null>) => Promise<void>;

export async function findSkill(ctx: AppContext, tenantId: string, ref: string): Promise<ToolDef | null> {
  const tools = (await ctx.tools.list(tenantId, null)).filter((t) => t.source === 'skills');
  const lower = ref.toLowerCase();
  return (
    tools.find((t) => t.ref === ref || t.name === ref) ?? tools.find((t) => t.title.toLowerCase() === lower) ?? null
  );
}

async function callSkill(n: NodeRun, input: Record<string, unknown>, admit: AdmitSkill): Promise<unknown> {
  const tool = await findSkill(n.ctx, n.tenantId, String(input.skill ?? ''));
  if (!tool) {
    throw new PermanentNodeError(
      `node '${n.node.id}': no installed skill '${String(input.skill)}' in this tenant (install it from the skills ` +
        `marketplace)`,
    );
  }
  await admit(async (ex) => {
    const refusal = await consumeSkillRun(ex, n.tenantId, n.plan);
    return refusal ? `${refusal.code}: ${refusal.message}` : null;
  });
  const args = (input.inputs ?? {}) as Record<string, unknown>;
  const r = await n.ctx.tools.call({
    tenantId: n.tenantId,
    agentId: null,
    executionId: null,
    tool,
    args,
    signal: n.signal,
    idempotencyKey: n.key,
  });
  if (!r.ok) throw new Error(`node '${n.node.id}': skill '${tool.title}' failed: ${r.error ?? 'no error given'}`);
  return r.output;
}

/** Errors a retry cannot fix: a node's own refusal, and 4xx application errors (governance, quota, not found). */
export function isPermanent(err: unknown): boolean {
  return err instanceof PermanentNodeError || (err instanceof AppError && err.status < 500);
}
