import type { ChatMessage, ToolCallRequest } from '../../../platform/llm/provider.js';
import type { StepRow } from '../journal/repo.js';

/**
 * The messages a model sees: system, the earlier conversation (chat sessions), the task as a plain
 * user message. History comes from a client-visible field (`context.history`), so only well-formed
 * user, assistant and tool messages are kept, tool answers only after the call they answer, and the
 * oldest whole exchanges are dropped until the rest fits the token budget.
 */

/** A rough token count (about four characters a token for English text and JSON), the same everywhere. */
export function estimateTokens(m: ChatMessage): number {
  return Math.ceil(((m.content ?? '').length + (m.tool_calls ? JSON.stringify(m.tool_calls).length : 0)) / 4) + 4;
}

function wellFormed(raw: unknown): ChatMessage | null {
  if (!raw || typeof raw !== 'object') return null;
  const m = raw as Record<string, unknown>;
  const content = typeof m.content === 'string' ? m.content : null;
  if (m.role === 'user' && content !== null) return { role: 'user', content };
  if (m.role === 'tool' && content !== null && typeof m.tool_call_id === 'string') {
    return { role: 'tool', content, tool_call_id: m.tool_call_id };
  }
  if (m.role !== 'assistant') return null;
  const calls = Array.isArray(m.tool_calls)
    ? m.tool_calls.filter(
        (c): c is ToolCallRequest =>
          !!c &&
          typeof c.id === 'string' &&
          typeof c.function?.name === 'string' &&
          typeof c.function?.arguments === 'string',
      )
    : [];
  if (content === null && calls.length === 0) return null;
  const clean = calls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.function.name, arguments: c.function.arguments },
  }));
  return { role: 'assistant', content, ...(clean.length ? { tool_calls: clean } : {}) };
}

/** Removes tool calls nobody answered (a model rejects a call without its answer). */
function close(x: ChatMessage[], open: Set<string>): ChatMessage[] {
  if (open.size === 0) return x;
  return x.flatMap((m) => {
    if (!m.tool_calls) return [m];
    const calls = m.tool_calls.filter((c) => !open.has(c.id));
    if (calls.length === 0 && m.content === null) return [];
    return [{ role: m.role, content: m.content, ...(calls.length ? { tool_calls: calls } : {}) }];
  });
}

/** Splits history into exchanges, each opened by a user message; tool answers only follow their call. */
function exchanges(raw: unknown): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  let open = new Set<string>();
  const closeLast = () => {
    if (out.length) out[out.length - 1] = close(out.at(-1)!, open);
  };
  for (const m of (Array.isArray(raw) ? raw : []).map(wellFormed)) {
    if (!m) continue;
    if (m.role === 'user') {
      closeLast();
      out.push([m]);
      open = new Set();
      continue;
    }
    if (out.length === 0) continue;
    if (m.role === 'tool' && !open.delete(m.tool_call_id!)) continue;
    for (const c of m.tool_calls ?? []) open.add(c.id);
    out.at(-1)!.push(m);
  }
  closeLast();
  return out;
}

/** The most recent whole exchanges that fit in `budget` tokens, oldest first. */
export function trimHistory(raw: unknown, budget: number): ChatMessage[] {
  const kept: ChatMessage[][] = [];
  let used = 0;
  for (const x of exchanges(raw).reverse()) {
    const cost = x.reduce((n, m) => n + estimateTokens(m), 0);
    if (used + cost > budget) break;
    kept.unshift(x);
    used += cost;
  }
  return kept.flat();
}

/** Fields that steer ATOM itself (chat plumbing, `async`), not the task. */
const PRIVATE_CONTEXT = new Set(['history', 'session_id']);
const PRIVATE_PARAMETERS = new Set(['async']);
const without = (o: Record<string, unknown>, keys: Set<string>) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.has(k)));

/** The task as the user's message; other context and parameters follow it as JSON. */
export function userMessage(
  task: string,
  context: Record<string, unknown>,
  parameters: Record<string, unknown>,
): ChatMessage {
  const extra = { ...without(context, PRIVATE_CONTEXT), ...without(parameters, PRIVATE_PARAMETERS) };
  return { role: 'user', content: Object.keys(extra).length ? `${task}\n\nContext: ${JSON.stringify(extra)}` : task };
}

/**
 * What one execution said with its model, from its journal: the user's task, each assistant turn
 * (with its tool calls) and the tool answers, in order. Empty when no model ran.
 */
export function conversationOf(steps: StepRow[]): ChatMessage[] {
  const models = steps.filter((s) => s.kind === 'model' && s.status === 'completed');
  const out: ChatMessage[] = [];
  for (const s of models) out.push(...((s.request as { messages_added?: ChatMessage[] } | null)?.messages_added ?? []));
  const last = models.at(-1)?.result as { message?: ChatMessage } | undefined;
  if (last?.message) {
    const calls = last.message.tool_calls ?? [];
    out.push({
      role: 'assistant',
      content: last.message.content ?? null,
      ...(calls.length ? { tool_calls: calls } : {}),
    });
  }
  return out;
}
