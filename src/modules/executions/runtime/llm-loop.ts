import Ajv, { type ValidateFunction } from 'ajv';
import type { Executor } from '../../../platform/db/index.js';
import type {
  ChatMessage,
  ChatResult,
  LlmProvider,
  ToolCallRequest,
  ToolSpec,
  Usage,
} from '../../../platform/llm/provider.js';
import type { ToolDef } from '../../../platform/tools.js';
import { digestOf, type Journal } from '../journal/journal.js';
import { trimHistory, userMessage } from './conversation.js';
import type { ToolGate } from './gate.js';
import type { TokenStream } from './tokens.js';
import type { Trace } from './trace.js';

/** Tool names the model may use: [a-zA-Z0-9_-], at most 64 characters (OpenAI's rule). */
export const wireName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);

/** A tool's answer, as the model reads it, is cut at this many characters. */
const TOOL_ANSWER_CHARS = 16_000;

export interface LlmRequest {
  task: string;
  context: Record<string, unknown>;
  parameters: Record<string, unknown>;
  tools: ToolDef[];
  system: string;
  recall: string[];
  maxTurns: number;
  historyTokens: number;
  signal: AbortSignal;
  progress: (n: number) => void;
  tokens: TokenStream;
}

/**
 * Token metering around each model turn: refused before it when the day's tokens are spent, counted with its journal
 * step.
 */
export interface Meter {
  check(): Promise<void>;
  record(ex: Executor, usage: Usage | undefined): Promise<void>;
}

export interface LoopDeps {
  gate: ToolGate;
  trace: Trace;
  journal: Journal;
  meter: Meter;
}

export interface LoopOutcome {
  result: Record<string, unknown>;
  confidence: number;
  success: boolean;
  error?: string;
}

const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false });
const validators = new WeakMap<ToolDef, ValidateFunction | null>();

function validatorFor(tool: ToolDef): ValidateFunction | null {
  if (!validators.has(tool)) {
    try {
      validators.set(tool, ajv.compile(tool.input_schema));
    } catch {
      validators.set(tool, null); // a schema ajv cannot read does not stop the call
    }
  }
  return validators.get(tool)!;
}

/** Arguments the model sent, checked before anything runs; a problem goes back to the model as the tool's error. */
function parseArguments(tool: ToolDef, raw: string): { args: Record<string, unknown> } | { error: string } {
  let args: unknown;
  try {
    args = JSON.parse(raw || '{}');
  } catch (e) {
    return {
      error:
        `arguments were not valid JSON (${(e as Error).message}); send a JSON object matching the tool's ` +
        `parameters`,
    };
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) return { error: 'arguments must be a JSON object' };
  const validate = validatorFor(tool);
  if (validate && !validate(args)) {
    const problems = validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    return { error: `arguments do not match the tool's parameters: ${problems}` };
  }
  return { args: args as Record<string, unknown> };
}

async function answerCall(
  call: ToolCallRequest,
  tools: Map<string, ToolDef>,
  gate: ToolGate,
  signal: AbortSignal,
): Promise<string> {
  const { name, arguments: raw } = call.function;
  const tool = tools.get(name);
  if (!tool) return JSON.stringify({ error: `unknown tool '${name}'; the tools are: ${[...tools.keys()].join(', ')}` });
  const parsed = parseArguments(tool, raw);
  if ('error' in parsed) return JSON.stringify(parsed);
  const res = await gate.call(tool, parsed.args, signal);
  const text = JSON.stringify(res.ok ? { output: res.output } : { error: res.error });
  return text.length > TOOL_ANSWER_CHARS
    ? `${text.slice(0, TOOL_ANSWER_CHARS)}… [cut at ${TOOL_ANSWER_CHARS} characters]`
    : text;
}

function firstMessages(req: LlmRequest): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [req.system, ...(req.recall.length ? ['Relevant past episodes:', ...req.recall] : [])].join('\n'),
    },
    ...trimHistory(req.context.history, req.historyTokens),
    userMessage(req.task, req.context, req.parameters),
  ];
}

/** Where the conversation stands before turn `n`: `messages[fresh…]` were added since the last turn. */
interface TurnState {
  n: number;
  messages: ChatMessage[];
  fresh: number;
  specs: ToolSpec[];
}

/**
 * One model turn, a step of the journal: answered from it when it finished before (no tokens
 * spent, no cap to check), else asked (streaming each piece of the answer) and written with its
 * token usage.
 */
async function turn(
  llm: LlmProvider,
  req: LlmRequest,
  deps: LoopDeps,
  { n, messages, fresh, specs }: TurnState,
): Promise<ChatResult> {
  const summary = { message_count: messages.length, messages_added: messages.slice(fresh) };
  const request = { summary, digest: digestOf({ messages, tools: specs }) };
  const ask = async () => {
    await deps.meter.check();
    const reply = await llm.chat(messages, specs, { signal: req.signal, onDelta: (text) => req.tokens.push(n, text) });
    // A server that does not stream gives the whole text at once: it is passed on as one piece.
    if (!reply.streamed && reply.message.content) req.tokens.push(n, reply.message.content);
    return reply as ChatResult & Record<string, unknown>;
  };
  return deps.journal.act('model', llm.model, request, ask, async (ex, reply) => {
    await deps.meter.record(ex, reply.usage);
    return (reply.usage as Record<string, number> | undefined) ?? null;
  });
}

/**
 * The model plans: it sees the task (and, in chat, the conversation so far) and the agent's tools,
 * calls tools (each through the governance gate, as journal steps), reads their results and answers.
 *
 * confidence = 0.8 when the model stops on its own (0.4 when cut off), times the share of its
 * tool calls that succeeded (1 when it called none). An empty final answer is a failure.
 */
export async function runLlm(llm: LlmProvider, req: LlmRequest, deps: LoopDeps): Promise<LoopOutcome> {
  const { gate, trace } = deps;
  const byWire = new Map(req.tools.map((t) => [wireName(t.name), t]));
  const specs = req.tools.map((t) => ({
    name: wireName(t.name),
    description: t.description,
    parameters: t.input_schema,
  }));
  const messages = firstMessages(req);
  let fresh = messages.length - 1;
  trace.add('plan', {
    planner: `LLM ${llm.model} (${llm.name})`,
    tools_offered: specs.map((s) => s.name),
    max_turns: req.maxTurns,
    history_messages: messages.length - 2,
  });
  for (let n = 1; n <= req.maxTurns; n++) {
    if (req.signal.aborted) throw req.signal.reason;
    const reply = await turn(llm, req, deps, { n, messages, fresh, specs });
    fresh = messages.length;
    const calls = reply.message.tool_calls ?? [];
    messages.push({
      role: 'assistant',
      content: reply.message.content ?? null,
      ...(calls.length ? { tool_calls: calls } : {}),
    });
    trace.add('llm', {
      turn: n,
      content: reply.message.content ?? null,
      tool_calls: calls.map((c) => c.function.name),
      finish_reason: reply.finish_reason,
      usage: reply.usage ?? null,
      streamed: reply.streamed ?? false,
    });
    if (calls.length === 0) return finalAnswer(reply, gate, trace);
    for (const call of calls) {
      const content = await answerCall(call, byWire, gate, req.signal);
      messages.push({ role: 'tool', tool_call_id: call.id, content });
    }
    req.progress(Math.min(90, Math.round((n / req.maxTurns) * 90)));
  }
  const error = `The model did not finish within ${req.maxTurns} turns (configuration.max_turns)`;
  trace.add('final', { outcome: 'failed', reason: error });
  return { result: { summary: error }, confidence: 0, success: false, error };
}

function finalAnswer(reply: ChatResult, gate: ToolGate, trace: Trace): LoopOutcome {
  const summary = reply.message.content ?? '';
  if (!summary.trim()) {
    const error = 'The model ended without an answer';
    trace.add('final', { outcome: 'failed', reason: error });
    return { result: { summary }, confidence: 0, success: false, error };
  }
  const ratio = gate.calls ? gate.successes / gate.calls : 1;
  const stopped = reply.finish_reason === 'stop' || reply.finish_reason === null;
  trace.add('final', { outcome: 'completed', summary });
  return { result: { summary }, confidence: Math.round((stopped ? 0.8 : 0.4) * ratio * 1000) / 1000, success: true };
}
