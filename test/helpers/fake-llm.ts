/**
 * A scriptable OpenAI-compatible chat-completions server for tests: real HTTP on 127.0.0.1 (port
 * 0), answering POST /v1/chat/completions from a script of replies, one reply per request, in
 * order. It records every request (parsed body, headers) and speaks the protocol the way OpenAI
 * does: when the request says `stream: true` the reply goes out as Server-Sent Events
 * (`chat.completion.chunk`s: a role chunk, the content pieces, tool calls split across chunks, a
 * finish chunk, a usage chunk when `stream_options.include_usage` is set, then `data: [DONE]`);
 * otherwise as one `chat.completion` JSON body. The same scripted reply serves both.
 *
 *   const llm = await fakeLlm();
 *   llm.script(
 *     toolCall({ name: 'web_search', args: { q: 'agents' } }),       // turn 1: the model calls a tool
 *     (req) => text('Found ', String(req.last.content)),              // turn 2: answers from the tool result
 *   );
 *   const provider = new OpenAiCompatible(llm.url, 'sk-test', 'test-model');   // or startApp({ llm: { baseUrl:
 * llm.url, … } })   …
 *   assert.equal(llm.requests.length, 2);
 *   assert.equal(llm.requests[1].last.role, 'tool');
 *   await llm.close();
 *
 * Replies (builders below):
 *   text('Hel', 'lo')                          streamed in these pieces (one JSON message when not streaming)
 *   toolCall({ name, args }, { name, rawArgs: '{not json' }, …)
 *                                              tool calls: id and name in the first chunk of each, the
 *                                              arguments over 3 chunks (or exactly the pieces of a
 *                                              `rawArgs` array), several calls interleaved by index
 *   answer({ content, toolCalls })             both content and tool calls in one reply
 *   error(429, { retryAfter: 1 })              an HTTP error (Retry-After in seconds or an HTTP date)
 *   refuseStreaming(otherwise?)                400 "stream is not supported" to a streaming request
 *                                              (the reply stays at the head of the script); a
 *                                              non-streaming request gets `otherwise` (default text('ok'))
 *   json(text('Hi'))                           a JSON answer even to a streaming request
 *   raw({ status, headers, body })             exactly these bytes (junk, odd content types …)
 *   (req) => reply                             decide per request (req.messages, req.last, req.tools)
 * Modifiers on text/toolCall/answer replies: .withUsage({ … } | null), .finish('length'), .paced(ms)
 * (each chunk ms after the previous one),
 * .breakAfter(n) (the connection is destroyed after n chunks), .hangAfter(n) (nothing more after n
 * chunks; the client has to abort or time out).
 *
 * Every answer carries usage (default prompt 10, completion 5, total 15). When the script is empty
 * the `always(...)` reply answers (for turn-limit tests: `llm.always(toolCall({ … }))`), or else a
 * 400 naming the unscripted request, so a test that asks more than it scripted fails clearly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage, ToolCallRequest, Usage } from '../../src/platform/llm/provider.js';

export interface FakeRequest {
  /** 1-based, in arrival order. */
  n: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when it was not JSON; see `raw`). */
  body: any;
  raw: string;
  /** The request asked for `stream: true`. */
  stream: boolean;
  messages: ChatMessage[];
  /** The last message sent (the tool result or the user's task, usually). */
  last: ChatMessage | undefined;
  /** Names of the tools offered. */
  tools: string[];
}

export interface ToolCallSpec {
  name: string;
  /** Arguments as an object (sent as JSON) … */
  args?: Record<string, unknown>;
  /** … or verbatim (need not be JSON); an array gives the exact streamed pieces. */
  rawArgs?: string | string[];
  id?: string;
}

export type ReplyFn = (req: FakeRequest) => Scripted | Promise<Scripted>;
/** What a script holds: a reply, a function of the request, or a string (= text(string)). */
export type Scripted = Reply | ReplyFn | string;

type Kind =
  | { kind: 'answer'; content: string[]; toolCalls: ToolCallSpec[] }
  | { kind: 'error'; status: number; retryAfter?: number | string; body: string }
  | { kind: 'refuse'; otherwise: Reply }
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string };

const DEFAULT_USAGE: Usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

export class Reply {
  usage: Usage | null = DEFAULT_USAGE;
  finishReason: string | null = null;
  breakAt: number | null = null;
  hangAt: number | null = null;
  paceMs = 0;
  forceJson = false;

  constructor(readonly spec: Kind) {}

  withUsage(usage: Usage | null): this {
    this.usage = usage;
    return this;
  }

  finish(reason: string | null): this {
    this.finishReason = reason;
    return this;
  }

  /** Destroy the connection after `chunks` SSE chunks (the role chunk counts as the first). */
  breakAfter(chunks: number): this {
    this.breakAt = chunks;
    return this;
  }

  /** Send `chunks` SSE chunks, then nothing (the response stays open until the client leaves). */
  hangAfter(chunks: number): this {
    this.hangAt = chunks;
    return this;
  }

  /** Send each SSE chunk `ms` after the previous one, as a model writing its answer does. */
  paced(ms: number): this {
    this.paceMs = ms;
    return this;
  }

  asJson(): this {
    this.forceJson = true;
    return this;
  }
}

export const text = (...pieces: string[]) => new Reply({ kind: 'answer', content: pieces, toolCalls: [] });
export const toolCall = (...calls: ToolCallSpec[]) => new Reply({ kind: 'answer', content: [], toolCalls: calls });
export const answer = ({ content = [], toolCalls = [] }: { content?: string[]; toolCalls?: ToolCallSpec[] }) =>
  new Reply({ kind: 'answer', content, toolCalls });
export const json = (reply: Reply | string) => (typeof reply === 'string' ? text(reply) : reply).asJson();
export const raw = ({
  status = 200,
  headers = {},
  body = '',
}: {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}) => new Reply({ kind: 'raw', status, headers, body });
export const refuseStreaming = (otherwise: Reply | string = 'ok') =>
  new Reply({ kind: 'refuse', otherwise: typeof otherwise === 'string' ? text(otherwise) : otherwise });
export function error(
  status: number,
  { retryAfter, message, body }: { retryAfter?: number | string; message?: string; body?: unknown } = {},
) {
  const payload = body ?? {
    error: {
      message: message ?? `fake-llm: HTTP ${status}`,
      type: status === 429 ? 'rate_limit_error' : 'server_error',
    },
  };
  return new Reply({
    kind: 'error',
    status,
    retryAfter,
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

export interface FakeLlm {
  /** Base URL to configure the client with (`…/v1`; the client appends /chat/completions). */
  url: string;
  requests: FakeRequest[];
  /** Appends replies to the script. */
  script(...replies: Scripted[]): FakeLlm;
  /** The reply used whenever the script is empty (not consumed). */
  always(reply: Scripted): FakeLlm;
  /** Replies scripted and not yet used. */
  readonly pending: number;
  /** Forgets the script, the `always` reply and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function fakeLlm(): Promise<FakeLlm> {
  const queue: Scripted[] = [];
  const requests: FakeRequest[] = [];
  let fallback: Scripted | null = null;

  const server = http.createServer((req, res) => {
    let rawBody = '';
    req.on('data', (c) => (rawBody += c));
    req.on('end', () => {
      const r = record(req, rawBody, requests.length + 1);
      requests.push(r);
      respond(r, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `fake-llm: the script threw: ${(err as Error).message}` } }));
      });
    });
  });

  async function respond(r: FakeRequest, res: http.ServerResponse) {
    if (r.method !== 'POST' || r.path !== '/v1/chat/completions')
      return send(res, 404, { error: { message: `fake-llm: no route ${r.method} ${r.path}` } });
    const entry = queue.length ? queue[0] : fallback;
    if (entry === null) return send(res, 400, { error: { message: `fake-llm: nothing scripted for request #${r.n}` } });
    const reply = await resolve(entry, r);
    const keep = reply.spec.kind === 'refuse' && r.stream;
    if (queue.length && queue[0] === entry && !keep) queue.shift();
    play(reply, r, res);
  }

  const fake: FakeLlm = {
    url: '',
    requests,
    script(...replies) {
      queue.push(...replies);
      return fake;
    },
    always(reply) {
      fallback = reply;
      return fake;
    },
    get pending() {
      return queue.length;
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
      fallback = null;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

function record(req: http.IncomingMessage, rawBody: string, n: number): FakeRequest {
  let body: any;
  try {
    body = JSON.parse(rawBody);
  } catch {
    body = undefined;
  }
  const messages: ChatMessage[] = Array.isArray(body?.messages) ? body.messages : [];
  return {
    n,
    method: req.method ?? '',
    path: (req.url ?? '').split('?')[0],
    headers: req.headers,
    body,
    raw: rawBody,
    stream: body?.stream === true,
    messages,
    last: messages.at(-1),
    tools: Array.isArray(body?.tools)
      ? body.tools.map((t: { function?: { name?: string } }) => t.function?.name ?? '')
      : [],
  };
}

async function resolve(entry: Scripted, r: FakeRequest): Promise<Reply> {
  if (typeof entry === 'string') return text(entry);
  if (typeof entry === 'function') return resolve(await entry(r), r);
  return entry;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(typeof body === 'string' ? body : JSON.stringify(body));
}

function play(reply: Reply, r: FakeRequest, res: http.ServerResponse) {
  const s = reply.spec;
  if (s.kind === 'raw') return void res.writeHead(s.status, s.headers).end(s.body);
  if (s.kind === 'error')
    return send(res, s.status, s.body, s.retryAfter === undefined ? {} : { 'retry-after': String(s.retryAfter) });
  if (s.kind === 'refuse') {
    if (r.stream)
      return send(res, 400, { error: { message: 'stream is not supported', type: 'invalid_request_error' } });
    return play(s.otherwise, r, res);
  }
  if (!r.stream || reply.forceJson) return send(res, 200, completion(reply, s, r));
  streamAnswer(reply, chunks(reply, s, r), res);
}

const finishOf = (reply: Reply, s: { toolCalls: ToolCallSpec[] }) =>
  reply.finishReason ?? (s.toolCalls.length ? 'tool_calls' : 'stop');
const argsOf = (c: ToolCallSpec) =>
  c.rawArgs === undefined ? JSON.stringify(c.args ?? {}) : [c.rawArgs].flat().join('');
const idOf = (c: ToolCallSpec, i: number) => c.id ?? `call_fake_${i + 1}`;

function completion(reply: Reply, s: { content: string[]; toolCalls: ToolCallSpec[] }, r: FakeRequest) {
  const tool_calls: ToolCallRequest[] = s.toolCalls.map((c, i) => ({
    id: idOf(c, i),
    type: 'function',
    function: { name: c.name, arguments: argsOf(c) },
  }));
  const message = {
    role: 'assistant',
    content: s.content.length ? s.content.join('') : null,
    ...(tool_calls.length ? { tool_calls } : {}),
  };
  return {
    id: `chatcmpl-fake-${r.n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: r.body?.model ?? 'fake',
    choices: [{ index: 0, message, finish_reason: finishOf(reply, s) }],
    ...(reply.usage ? { usage: reply.usage } : {}),
  };
}

/** Splits a string into `n` pieces of about equal length (fewer when it is shorter). */
function split(value: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(value.length / n));
  const out: string[] = [];
  for (let i = 0; i < value.length; i += size) out.push(value.slice(i, i + size));
  return out;
}

/** The SSE chunks of an answer: role, content pieces, tool calls (interleaved by index), finish, usage. */
function chunks(reply: Reply, s: { content: string[]; toolCalls: ToolCallSpec[] }, r: FakeRequest): object[] {
  const base = {
    id: `chatcmpl-fake-${r.n}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: r.body?.model ?? 'fake',
  };
  const delta = (d: object, finish_reason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta: d, finish_reason }],
  });
  const out: object[] = [delta({ role: 'assistant', content: '' }), ...s.content.map((content) => delta({ content }))];
  const pieces = s.toolCalls.map((c) => (Array.isArray(c.rawArgs) ? c.rawArgs : split(argsOf(c), 3)));
  s.toolCalls.forEach((c, index) => {
    out.push(
      delta({
        tool_calls: [{ index, id: idOf(c, index), type: 'function', function: { name: c.name, arguments: '' } }],
      }),
    );
  });
  for (let k = 0; k < Math.max(0, ...pieces.map((p) => p.length)); k++) {
    pieces.forEach((p, index) => {
      if (p[k] !== undefined) out.push(delta({ tool_calls: [{ index, function: { arguments: p[k] } }] }));
    });
  }
  out.push(delta({}, finishOf(reply, s)));
  if (reply.usage && r.body?.stream_options?.include_usage) out.push({ ...base, choices: [], usage: reply.usage });
  return out;
}

async function streamPaced(reply: Reply, events: object[], res: http.ServerResponse) {
  for (const e of events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(e)}\n\n`);
    await new Promise((r) => setTimeout(r, reply.paceMs));
  }
  res.end('data: [DONE]\n\n');
}

function streamAnswer(reply: Reply, events: object[], res: http.ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  if (reply.paceMs > 0 && reply.breakAt === null && reply.hangAt === null) return void streamPaced(reply, events, res);
  const stopAt = Math.min(reply.breakAt ?? Infinity, reply.hangAt ?? Infinity);
  const sent = events
    .slice(0, stopAt)
    .map((e) => `data: ${JSON.stringify(e)}\n\n`)
    .join('');
  if (reply.breakAt !== null && reply.breakAt <= (reply.hangAt ?? Infinity))
    return void res.write(sent, () => res.socket?.destroy());
  if (reply.hangAt !== null) return void res.write(sent);
  res.end(`${sent}data: [DONE]\n\n`);
}
