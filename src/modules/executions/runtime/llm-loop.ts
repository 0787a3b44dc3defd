import type { ChatMessage, LlmProvider } from '../../../platform/llm/provider.js';
import type { ToolDef } from '../../../platform/tools.js';
import type { ToolGate } from './gate.js';
import type { Trace } from './trace.js';

const MAX_TURNS = 8;

/** Tool names the model may use: [a-zA-Z0-9_-], at most 64 characters (OpenAI's rule). */
export const wireName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);

async function answerCall(tool: ToolDef | undefined, rawArgs: string, gate: ToolGate, signal: AbortSignal): Promise<string> {
  if (!tool) return JSON.stringify({ error: 'unknown tool' });
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(rawArgs || '{}');
  } catch {
    return JSON.stringify({ error: 'arguments were not valid JSON' });
  }
  const res = await gate.call(tool, args, signal);
  return JSON.stringify(res.ok ? { output: res.output } : { error: res.error });
}

/**
 * The model plans: it sees the task and the agent's tools, calls tools (each through the
 * governance gate), reads their results and answers.
 *
 * confidence = 0.8 when the model stops on its own (0.4 when cut off), times the share of its
 * tool calls that succeeded (1 when it called none).
 */
export async function runLlm(
  llm: LlmProvider,
  req: { task: string; context: Record<string, unknown>; parameters: Record<string, unknown>; tools: ToolDef[]; system: string; recall: string[]; signal: AbortSignal; progress: (n: number) => void },
  gate: ToolGate,
  trace: Trace,
): Promise<{ result: Record<string, unknown>; confidence: number; success: boolean }> {
  const byWire = new Map(req.tools.map((t) => [wireName(t.name), t]));
  const specs = req.tools.map((t) => ({ name: wireName(t.name), description: t.description, parameters: t.input_schema }));
  const messages: ChatMessage[] = [
    { role: 'system', content: [req.system, ...(req.recall.length ? ['Relevant past episodes:', ...req.recall] : [])].join('\n') },
    { role: 'user', content: JSON.stringify({ task: req.task, context: req.context, parameters: req.parameters }) },
  ];
  trace.add('plan', { planner: `LLM ${llm.model} (${llm.name})`, tools_offered: specs.map((s) => s.name) });
  for (let turn = 1; turn <= MAX_TURNS; turn++) {
    if (req.signal.aborted) throw req.signal.reason;
    const reply = await llm.chat(messages, specs, { signal: req.signal });
    messages.push({ role: 'assistant', content: reply.message.content ?? null, ...(reply.message.tool_calls?.length ? { tool_calls: reply.message.tool_calls } : {}) });
    const calls = reply.message.tool_calls ?? [];
    trace.add('llm', { turn, content: reply.message.content ?? null, tool_calls: calls.map((c) => c.function.name), finish_reason: reply.finish_reason, usage: reply.usage ?? null });
    if (calls.length === 0) {
      const ratio = gate.calls ? gate.successes / gate.calls : 1;
      const stopped = reply.finish_reason === 'stop' || reply.finish_reason === null;
      trace.add('final', { outcome: 'completed', summary: reply.message.content });
      return { result: { summary: reply.message.content ?? '' }, confidence: Math.round((stopped ? 0.8 : 0.4) * ratio * 1000) / 1000, success: true };
    }
    for (const call of calls) {
      const tool = byWire.get(call.function.name);
      messages.push({ role: 'tool', tool_call_id: call.id, content: await answerCall(tool, call.function.arguments, gate, req.signal) });
    }
    req.progress(Math.min(90, turn * 15));
  }
  trace.add('final', { outcome: 'failed', reason: `no answer after ${MAX_TURNS} turns` });
  return { result: { summary: `The model did not finish within ${MAX_TURNS} turns.` }, confidence: 0, success: false };
}
