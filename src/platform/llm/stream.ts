import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { ChatMessage, ChatResult, ToolCallRequest, Usage } from './provider.js';

/**
 * Chat-completion streams (OpenAI's `chat.completion.chunk` over Server-Sent Events): the pure
 * assembly of chunks into one answer, and the reading of an SSE body into chunks.
 */

/** One `data:` payload of a streamed chat completion (the fields we read). */
export interface ChatChunk {
  choices?: {
    index?: number;
    delta?: { role?: string; content?: string | null; tool_calls?: ToolCallDelta[] };
    finish_reason?: string | null;
  }[];
  usage?: Usage | null;
  error?: { message?: string } | string;
}

export interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** The answer so far. Build one with `newAssembly()`, feed it with `addChunk`, read it with `result`. */
export interface Assembly {
  content: string[];
  calls: Map<number, ToolCallRequest>;
  finish_reason: string | null;
  usage?: Usage;
}

export const newAssembly = (): Assembly => ({ content: [], calls: new Map(), finish_reason: null });

/** Adds one chunk; returns its content delta ('' when it carried none). */
export function addChunk(a: Assembly, chunk: ChatChunk): string {
  if (chunk.usage) a.usage = chunk.usage;
  // n = 1: only the first choice is ours.
  const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
  if (!choice) return '';
  if (choice.finish_reason) a.finish_reason = choice.finish_reason;
  for (const d of choice.delta?.tool_calls ?? []) addToolDelta(a.calls, d);
  const text = choice.delta?.content;
  if (typeof text !== 'string' || text === '') return '';
  a.content.push(text);
  return text;
}

/**
 * Tool calls arrive by `index`: the id and the function name in the first chunk of an index,
 * the arguments in pieces to concatenate. A repeated id or name (some servers resend them) is
 * ignored; a call without an id gets `call_<index>` so its result can still refer to it.
 */
function addToolDelta(calls: Map<number, ToolCallRequest>, d: ToolCallDelta) {
  const index = d.index ?? 0;
  let call = calls.get(index);
  if (!call) {
    call = { id: '', type: 'function', function: { name: '', arguments: '' } };
    calls.set(index, call);
  }
  if (d.id && !call.id) call.id = d.id;
  if (d.function?.name && !call.function.name) call.function.name = d.function.name;
  if (d.function?.arguments) call.function.arguments += d.function.arguments;
}

/** The assembled answer: content is the deltas concatenated (null when none), tool calls by index. */
export function result(a: Assembly): Omit<ChatResult, 'streamed'> {
  const calls = [...a.calls.entries()].sort(([x], [y]) => x - y).map(([i, c]) => ({ ...c, id: c.id || `call_${i}` }));
  const message: ChatMessage = {
    role: 'assistant',
    content: a.content.length ? a.content.join('') : null,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  return { message, finish_reason: a.finish_reason, ...(a.usage ? { usage: a.usage } : {}) };
}

/** Assembles a whole list of chunks (what the stream reader does one chunk at a time). */
export function assemble(chunks: ChatChunk[]): Omit<ChatResult, 'streamed'> {
  const a = newAssembly();
  for (const c of chunks) addChunk(a, c);
  return result(a);
}

export class StreamError extends Error {}

/**
 * Reads an SSE body and hands each parsed `data:` payload to `onChunk`, until `data: [DONE]`.
 * Returns whether [DONE] was seen (false: the body simply ended). Throws StreamError on a payload
 * that is not JSON or that carries an `error`; errors of the body itself (connection reset,
 * abort) are rethrown as they are.
 */
export async function readChunks(
  body: ReadableStream<Uint8Array>,
  onChunk: (chunk: ChatChunk) => void,
): Promise<boolean> {
  // (TextDecoderStream's writable side is typed for any BufferSource; a response body is bytes.)
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      const data = value.data.trim();
      if (data === '[DONE]') return true;
      if (data === '') continue;
      onChunk(parseChunk(data));
    }
  } finally {
    // Stops reading (and releases the connection) when we leave before the end of the body.
    reader.cancel().catch(() => {});
  }
}

function parseChunk(data: string): ChatChunk {
  let chunk: ChatChunk;
  try {
    chunk = JSON.parse(data) as ChatChunk;
  } catch {
    throw new StreamError(`stream carried a payload that is not JSON: ${data.slice(0, 200)}`);
  }
  if (chunk?.error) {
    const msg = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error));
    throw new StreamError(`stream reported an error: ${msg.slice(0, 200)}`);
  }
  return chunk;
}
