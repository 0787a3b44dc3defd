import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { LlmError, OpenAiCompatible } from '../../src/platform/llm/openai.js';
import { DEFAULT_RETRY, retryAfterMs, retryDelayMs } from '../../src/platform/llm/retry.js';
import { assemble } from '../../src/platform/llm/stream.js';
import { error, type FakeLlm, fakeLlm, json, raw, refuseStreaming, text, toolCall } from '../helpers/fake-llm.js';
import { waitUntil } from '../helpers/receiver.js';

const USER = [{ role: 'user' as const, content: 'Say hello' }];

describe('OpenAI-compatible client against a fake server', () => {
  let llm: FakeLlm;
  const client = (options = {}) => new OpenAiCompatible(llm.url, 'sk-fake', 'fake-model', options);

  before(async () => {
    llm = await fakeLlm();
  });
  beforeEach(() => llm.reset());
  after(() => llm.close());

  it('streams content: each delta as it arrives, content = their concatenation, usage from the last chunk', async () => {
    llm.script(text('Hel', 'lo', ', world').withUsage({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }));
    const deltas: string[] = [];
    const res = await client().chat(USER, [], { onDelta: (d) => deltas.push(d) });
    assert.deepEqual(deltas, ['Hel', 'lo', ', world']);
    assert.deepEqual(res.message, { role: 'assistant', content: 'Hello, world' });
    assert.equal(res.finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    assert.equal(res.streamed, true);

    assert.equal(llm.requests.length, 1);
    const req = llm.requests[0];
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(req.body.model, 'fake-model');
    assert.equal(req.headers.authorization, 'Bearer sk-fake');
    assert.equal(req.headers.accept, 'text/event-stream');
    assert.equal(req.body.tools, undefined, 'no tools offered, no tools field');
  });

  it('assembles tool calls split across chunks, two calls interleaved by index', async () => {
    llm.script(
      toolCall(
        { id: 'call_a', name: 'web_search', args: { query: 'recent agent papers', limit: 3 } },
        { id: 'call_b', name: 'read_file', rawArgs: ['{"pa', 'th":"/tmp/', 'x.txt"}'] },
      ),
    );
    const deltas: string[] = [];
    const tools = [
      { name: 'web_search', description: 'Search', parameters: { type: 'object' } },
      { name: 'read_file', description: 'Read', parameters: { type: 'object' } },
    ];
    const res = await client().chat(USER, tools, { onDelta: (d) => deltas.push(d) });
    assert.deepEqual(deltas, [], 'no content, no deltas');
    assert.equal(res.message.content, null);
    assert.equal(res.finish_reason, 'tool_calls');
    assert.deepEqual(res.message.tool_calls, [
      {
        id: 'call_a',
        type: 'function',
        function: { name: 'web_search', arguments: JSON.stringify({ query: 'recent agent papers', limit: 3 }) },
      },
      { id: 'call_b', type: 'function', function: { name: 'read_file', arguments: '{"path":"/tmp/x.txt"}' } },
    ]);
    assert.deepEqual(llm.requests[0].tools, ['web_search', 'read_file']);
    assert.equal(llm.requests[0].body.tool_choice, 'auto');
  });

  it('waits as long as Retry-After says on a 429, then asks again', async () => {
    llm.script(error(429, { retryAfter: 1 }), text('after the wait'));
    const started = Date.now();
    const res = await client().chat(USER, []);
    const waited = Date.now() - started;
    assert.equal(res.message.content, 'after the wait');
    assert.equal(llm.requests.length, 2);
    // The first backoff is at most 625 ms: a wait of about a second is the server's Retry-After.
    assert.ok(waited >= 950, `waited ${waited} ms`);
  });

  it('retries 5xx three times (backoff when no Retry-After) and takes the fourth answer', async () => {
    llm.script(error(500), error(502, { retryAfter: 0 }), error(503), text('fourth time lucky'));
    const res = await client({ backoffMs: 5 }).chat(USER, []);
    assert.equal(res.message.content, 'fourth time lucky');
    assert.equal(llm.requests.length, 4);
  });

  it('gives up after four attempts with LlmError carrying the status and a body excerpt', async () => {
    llm.script(
      error(503, { message: 'model overloaded' }),
      error(503),
      error(503),
      error(503, { message: 'still overloaded' }),
      text('never asked'),
    );
    const err = await client({ backoffMs: 5 })
      .chat(USER, [])
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(err instanceof LlmError, String(err));
    assert.equal(err.status, 503);
    assert.equal(err.attempts, 4);
    assert.match(err.message, /HTTP 503.*still overloaded.*after 4 attempts/);
    assert.equal(llm.requests.length, 4);
    assert.equal(llm.pending, 1);
  });

  it('does not retry other client errors', async () => {
    llm.script(error(401, { message: 'bad key' }), text('never asked'));
    const err = await client({ backoffMs: 5 })
      .chat(USER, [])
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(err instanceof LlmError);
    assert.deepEqual([err.status, err.attempts, llm.requests.length], [401, 1, 1]);
    assert.match(err.message, /bad key/);
  });

  it('retries when the server cannot be reached, then reports it', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await new OpenAiCompatible(`http://127.0.0.1:${port}/v1`, null, 'm', { backoffMs: 5 })
      .chat(USER, [])
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(err instanceof LlmError, String(err));
    assert.deepEqual([err.status, err.attempts], [null, 4]);
    assert.match(err.message, /unreachable/);
  });

  it('falls back to a non-streaming call when streaming is refused, and does not try streaming again', async () => {
    llm.script(refuseStreaming(text('plain', ' answer')), text('second answer'));
    const provider = client();
    const deltas: string[] = [];
    const first = await provider.chat(USER, [], { onDelta: (d) => deltas.push(d) });
    assert.deepEqual([first.message.content, first.streamed, first.finish_reason], ['plain answer', false, 'stop']);
    assert.deepEqual(first.usage, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    assert.deepEqual(deltas, []);
    assert.deepEqual(
      llm.requests.map((r) => r.stream),
      [true, false],
    );
    assert.equal(llm.requests[1].body.stream_options, undefined);
    assert.equal(provider.streamingSupported, false);

    const second = await provider.chat(USER, []);
    assert.deepEqual([second.message.content, second.streamed], ['second answer', false]);
    assert.equal(llm.requests.length, 3);
    assert.equal(llm.requests[2].stream, false, 'straight to non-streaming');
    assert.equal(llm.requests[2].headers.accept, 'application/json');
  });

  it('reads a JSON answer to a streaming request as the answer, and keeps asking to stream', async () => {
    llm.script(json(toolCall({ id: 'c1', name: 'lookup', args: { id: 7 } })), text('streams now'));
    const provider = client();
    const first = await provider.chat(USER, []);
    assert.equal(first.streamed, false);
    assert.deepEqual(first.message.tool_calls, [
      { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":7}' } },
    ]);
    assert.equal(first.message.content, null);
    const second = await provider.chat(USER, []);
    assert.deepEqual([second.message.content, second.streamed, llm.requests[1].stream], ['streams now', true, true]);
  });

  it('throws LlmError without retrying when a stream breaks after it began', async () => {
    llm.script(text('Hel', 'lo', ' there').breakAfter(2), text('a retry would get this'));
    const deltas: string[] = [];
    const err = await client({ backoffMs: 5 })
      .chat(USER, [], { onDelta: (d) => deltas.push(d) })
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(err instanceof LlmError, String(err));
    assert.match(err.message, /stream broke/);
    assert.deepEqual(deltas, ['Hel']);
    assert.deepEqual([llm.requests.length, llm.pending], [1, 1]);
  });

  it('throws LlmError when the stream reports an error or carries junk', async () => {
    const sse = (...data: string[]) =>
      raw({ headers: { 'content-type': 'text/event-stream' }, body: data.map((d) => `data: ${d}\n\n`).join('') });
    llm.script(
      sse('{"choices":[{"index":0,"delta":{"content":"Hi"}}]}', '{"error":{"message":"upstream overloaded"}}'),
      sse('{"choices":[{"index":0,"delta":{"content":"Hi"}}]}', 'not json'),
      sse('{"choices":[{"index":0,"delta":{"content":"Hi"}}]}'),
    );
    await assert.rejects(
      client().chat(USER, []),
      (e: unknown) => e instanceof LlmError && /upstream overloaded/.test(e.message),
    );
    await assert.rejects(client().chat(USER, []), (e: unknown) => e instanceof LlmError && /not JSON/.test(e.message));
    await assert.rejects(
      client().chat(USER, []),
      (e: unknown) => e instanceof LlmError && /ended before the answer was complete/.test(e.message),
    );
    assert.equal(llm.requests.length, 3);
  });

  it('stops reading when the caller aborts mid-stream', async () => {
    llm.script(text('Hel', 'lo').hangAfter(2), text('not asked'));
    const abort = new AbortController();
    const deltas: string[] = [];
    const err = await client()
      .chat(USER, [], {
        signal: abort.signal,
        onDelta: (d) => {
          deltas.push(d);
          abort.abort();
        },
      })
      .then(
        () => null,
        (e) => e,
      );
    assert.equal((err as Error)?.name, 'AbortError', String(err));
    assert.ok(!(err instanceof LlmError));
    assert.deepEqual(deltas, ['Hel'], 'the first delta arrived while the stream was still open');
    assert.deepEqual([llm.requests.length, llm.pending], [1, 1]);
  });

  it('the signal also ends a Retry-After wait', async () => {
    llm.script(error(429, { retryAfter: 30 }), text('not asked'));
    const abort = new AbortController();
    const pending = client().chat(USER, [], { signal: abort.signal });
    await waitUntil(() => llm.requests.length === 1);
    abort.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(llm.pending, 1);
  });

  it('times out an attempt with no answer (retried) and a stalled stream (not retried)', async () => {
    llm.script(
      () => new Promise(() => {}),
      () => new Promise(() => {}),
    );
    const silent = await client({ timeoutMs: 150, maxRetries: 1, backoffMs: 5 })
      .chat(USER, [])
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(silent instanceof LlmError, String(silent));
    assert.match(silent.message, /did not answer within 150 ms.*after 2 attempts/);
    assert.equal(llm.requests.length, 2);

    llm.reset();
    llm.script(text('a', 'b').hangAfter(2), text('not asked'));
    // A second, so that a busy machine answering the headers late is not mistaken for a stall.
    const stalled = await client({ timeoutMs: 1_000, backoffMs: 5 })
      .chat(USER, [])
      .then(
        () => null,
        (e) => e,
      );
    assert.ok(stalled instanceof LlmError, String(stalled));
    assert.match(stalled.message, /stalled/);
    assert.equal(llm.requests.length, 1);
  });

  it('a function reply answers from the request (as the agent loop will use it)', async () => {
    llm.script((req) =>
      req.last?.role === 'tool'
        ? text(`result was ${req.last.content}`)
        : toolCall({ name: 'lookup', rawArgs: '{not json' }),
    );
    llm.always((req) => text(`turn ${req.n}`));
    const provider = client();
    const first = await provider.chat(USER, []);
    assert.equal(
      first.message.tool_calls?.[0].function.arguments,
      '{not json',
      'malformed arguments arrive as they were sent',
    );
    const second = await provider.chat(
      [...USER, first.message, { role: 'tool', tool_call_id: first.message.tool_calls![0].id, content: '42' }],
      [],
    );
    assert.equal(second.message.content, 'turn 2', 'the script was used up; always() answers');
  });
});

describe('stream assembly (pure)', () => {
  const chunk = (delta: object, finish_reason: string | null = null) => ({
    choices: [{ index: 0, delta, finish_reason }],
  });

  it('concatenates content, assembles interleaved tool calls by index, takes usage from the choice-less chunk', () => {
    const out = assemble([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Let me ' }),
      chunk({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'second', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'first', arguments: '{"x"' } }] }),
      chunk({ content: 'look.' }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'first', arguments: ':1}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      chunk({}, 'tool_calls'),
      { choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } },
    ]);
    assert.deepEqual(out, {
      message: {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'first', arguments: '{"x":1}' } },
          { id: 'b', type: 'function', function: { name: 'second', arguments: '{"y":2}' } },
        ],
      },
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
  });

  it('content is null without deltas, tool_calls absent without calls, a call without id gets one', () => {
    assert.deepEqual(assemble([chunk({ role: 'assistant', content: '' }), chunk({}, 'stop')]), {
      message: { role: 'assistant', content: null },
      finish_reason: 'stop',
    });
    const out = assemble([
      chunk({ tool_calls: [{ function: { name: 'f', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    assert.deepEqual(out.message.tool_calls, [
      { id: 'call_0', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
  });
});

describe('retry timing', () => {
  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(retryAfterMs('2', now), 2000);
    assert.equal(retryAfterMs('0', now), 0);
    assert.equal(retryAfterMs('Tue, 01 Jan 2030 00:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs('Mon, 31 Dec 2029 23:00:00 GMT', now), 0, 'a past date: now');
    assert.equal(retryAfterMs('soon', now), null);
    assert.equal(retryAfterMs(null, now), null);
  });

  it('backs off exponentially with jitter and caps a single wait', () => {
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelayMs(DEFAULT_RETRY, n, null, mid)),
      [500, 1000, 2000],
    );
    assert.equal(
      retryDelayMs(DEFAULT_RETRY, 1, null, () => 0),
      375,
    );
    assert.equal(
      retryDelayMs(DEFAULT_RETRY, 1, null, () => 0.999),
      625,
    );
    assert.equal(retryDelayMs(DEFAULT_RETRY, 1, 3_600_000, mid), 30_000, 'Retry-After of an hour: capped');
    assert.equal(retryDelayMs(DEFAULT_RETRY, 3, 0, mid), 0, 'Retry-After: 0 wins over backoff');
  });
});
