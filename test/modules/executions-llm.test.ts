import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { waitForState } from '../helpers/agent-work.js';
import { startApp } from '../helpers/app.js';
import {
  error,
  type FakeLlm,
  type FakeRequest,
  fakeLlm,
  refuseStreaming,
  text,
  toolCall,
} from '../helpers/fake-llm.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { openStream } from '../helpers/sse.js';
import { standardKit } from '../helpers/tools.js';

/**
 * The model path against a scripted OpenAI-compatible server on loopback (test/helpers/fake-llm.ts:
 * real HTTP and SSE; no real model runs here). The tools are the in-process test kit: what is under
 * test is the loop around the model, not the skills (those are tested through the marketplace in
 * executions-journal.test.ts).
 */
describe('LLM execution over the OpenAI protocol', () => {
  let llm: FakeLlm;
  let built: Built;
  let base: string;
  let t: TestTenant;
  const toolCalls: { tool: string; args: Record<string, unknown> }[] = [];
  const agents: Record<string, string> = {};

  const makeAgent = async (key: string, maturity: string, configuration: Record<string, unknown> = {}) =>
    (
      await call(built.app, 'POST', '/api/agents', {
        key,
        body: { name: `${maturity} agent`, role: 'general-assistant', maturity_level: maturity, configuration },
      })
    ).body.data.agent.id as string;
  const execute = (agent: string, body: Record<string, unknown>, key = t.key) =>
    call(built.app, 'POST', `/api/agents/${agent}/execute`, { key, body });
  const tokensToday = async (key = t.key) => (await call(built.app, 'GET', '/api/usage', { key })).body.data.llm_tokens;

  before(async () => {
    llm = await fakeLlm();
    built = await startApp({
      executionSyncBudgetMs: 5000,
      sseHeartbeatMs: 500,
      llm: { baseUrl: llm.url, apiKey: 'sk-llm-test', model: 'test-model', historyTokens: 4000 },
    });
    built.ctx.tools.register(standardKit(toolCalls));
    base = await built.app.listen({ port: 0, host: '127.0.0.1' });
    t = await makeTenant(built.app, 'team');
    agents.student = await makeAgent(t.key, 'student');
  });
  after(async () => {
    await built.close();
    await llm.close();
  });
  beforeEach(() => llm.reset());

  it(
    "streams the answer as token events while the model writes it; the summary is the last turn's text; tokens are " +
      'metered',
    async () => {
      const before = await tokensToday();
      let release!: () => void;
      const streamOpen = new Promise<void>((r) => (release = r));
      llm.script(
        async () => {
          await streamOpen;
          return toolCall({ name: 'web_search', args: { task: 'AI agents' } });
        },
        (req: FakeRequest) => text('Found: ', JSON.parse(String(req.last?.content)).output.results[0], '.').paced(60),
      );
      const started = await execute(agents.student, {
        task: 'Search for recent AI agent papers',
        parameters: { async: true },
      });
      assert.equal(started.status, 202);
      const id = started.body.data.execution_id;
      const stream = await openStream(`${base}/api/agents/${agents.student}/executions/${id}/stream`, {
        'x-api-key': t.key,
      });
      release();
      await waitForState(
        async () => stream.events.some((e) => e.event === 'done'),
        (x) => x,
        30_000,
      );
      await stream.close();
      const done = stream.events.find((e) => e.event === 'done')!.data;
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.equal(done.result.summary, 'Found: paper about AI agents.');
      const tokens = stream.events.filter((e) => e.event === 'token');
      assert.ok(tokens.length >= 2, `the answer arrived in pieces as it was written: ${JSON.stringify(tokens)}`);
      assert.ok(
        stream.events.findIndex((e) => e.event === 'token') < stream.events.findIndex((e) => e.event === 'done'),
        'tokens before the end',
      );
      assert.equal(
        tokens
          .filter((e) => e.data.turn === 2)
          .map((e) => e.data.text)
          .join(''),
        done.result.summary,
      );
      // The tool call's arguments arrived split across chunks and were assembled.
      assert.deepEqual(toolCalls.at(-1), { tool: 'web_search', args: { task: 'AI agents' } });
      assert.equal(llm.requests[0].body.stream, true);
      assert.deepEqual(llm.requests[0].body.stream_options, { include_usage: true });
      assert.equal(llm.requests[0].headers.authorization, 'Bearer sk-llm-test');
      // The task is a plain user message, not a JSON blob.
      assert.deepEqual(
        llm.requests[0].messages.map((m) => m.role),
        ['system', 'user'],
      );
      assert.equal(llm.requests[0].messages[1].content, 'Search for recent AI agent papers');
      assert.equal(
        llm.requests[1].last?.tool_call_id,
        llm.requests[1].messages.find((m) => m.role === 'assistant')!.tool_calls![0].id,
      );
      const after = await tokensToday();
      assert.deepEqual(
        [after.prompt - before.prompt, after.completion - before.completion, after.total - before.total],
        [20, 10, 30],
      );
    },
  );

  it("malformed or mistyped tool arguments go back to the model as the tool's error; nothing runs", async () => {
    const calls = toolCalls.length;
    llm.script(
      toolCall({ name: 'web_search', rawArgs: '{"task": "agents"' }),
      toolCall({ name: 'web_search', args: { task: 42 } }),
      toolCall({ name: 'no_such_tool', args: {} }),
      text('I could not search.'),
    );
    const res = await execute(agents.student, { task: 'Search for papers' });
    assert.equal(res.body.data.status, 'completed');
    assert.equal(toolCalls.length, calls, 'no tool ran');
    const answers = llm.requests.slice(1).map((r) => JSON.parse(String(r.last?.content)).error);
    assert.match(answers[0], /not valid JSON/);
    assert.match(answers[1], /do not match the tool's parameters: \/task must be string/);
    assert.match(answers[2], /unknown tool 'no_such_tool'/);
  });

  it("stops at the agent's max_turns (default 8, at most 32)", async () => {
    const limited = await makeAgent(t.key, 'student', { max_turns: 2 });
    llm.always(toolCall({ name: 'web_search', args: { task: 'again' } }));
    const res = await execute(limited, { task: 'Search forever' });
    assert.equal(res.body.data.status, 'failed');
    assert.match(res.body.data.error, /did not finish within 2 turns/);
    assert.equal(res.body.data.confidence, 0);
    assert.equal(llm.requests.length, 2);
    const bad = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'x', role: 'custom', maturity_level: 'student', configuration: { max_turns: 33 } },
    });
    expectError(bad, 400, 'VALIDATION_ERROR');
    assert.match(JSON.stringify(bad.body.error), /max_turns/);
  });

  it('an empty answer is a failure, not a completion', async () => {
    llm.script(text(''));
    const res = await execute(agents.student, { task: 'Say nothing' });
    assert.equal(res.body.data.status, 'failed');
    assert.match(res.body.data.error, /ended without an answer/);
  });

  it('a tool the agent may not use is refused and the model is told so', async () => {
    await call(built.app, 'PUT', '/api/governance/actions/search', { key: t.key, body: { complexity: 4 } });
    llm.script(toolCall({ name: 'web_search', args: { task: 'papers' } }), text('I was not allowed to search.'));
    const res = await execute(agents.student, { task: 'Tell me about papers', action: 'read' });
    await call(built.app, 'DELETE', '/api/governance/actions/search', { key: t.key });
    assert.equal(res.body.data.governance_violations[0].tool, 'web_search');
    assert.match(JSON.parse(String(llm.requests[1].last?.content)).error, /GOVERNANCE_DENIED/);
  });

  it("the plan's daily model tokens: a run that spends them fails at its next turn; then execute answers 429", async () => {
    const free = await makeTenant(built.app, 'free');
    const agent = await makeAgent(free.key, 'student');
    llm.script(
      toolCall({ name: 'web_search', args: { task: 'costly' } }).withUsage({
        prompt_tokens: 49_000,
        completion_tokens: 2_000,
        total_tokens: 51_000,
      }),
    );
    const res = await execute(agent, { task: 'Search at great length' }, free.key);
    assert.equal(res.body.data.status, 'failed');
    assert.match(res.body.data.error, /Daily model token limit of 50000 reached/);
    assert.equal(llm.requests.length, 1, 'the second turn was not asked');
    const refused = await execute(agent, { task: 'Search again' }, free.key);
    expectError(refused, 429, 'LLM_TOKEN_LIMIT_EXCEEDED');
    assert.equal(refused.body.error.details.limit, 50_000);
    assert.ok(Date.parse(refused.body.error.details.resets_at) > Date.now());
    assert.equal((await tokensToday(free.key)).total, 51_000);
  });

  it('chat sends the conversation as real messages and streams the answer into the session', async () => {
    llm.script(
      toolCall({ name: 'web_search', args: { task: 'memory' } }),
      text('Memory papers: ', 'three.'),
      (req: FakeRequest) => text(`You asked ${req.messages.filter((m) => m.role === 'user').length} things.`),
    );
    const first = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { agent_id: agents.student, message: 'Find papers on agent memory' },
    });
    assert.equal(first.body.data.status, 'completed', JSON.stringify(first.body));
    const sessionId = first.body.data.session_id;
    const second = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { session_id: sessionId, message: 'How many did I ask?' },
    });
    assert.equal(second.body.data.message.data.content, 'You asked 2 things.');
    const sent = llm.requests[2].messages;
    assert.deepEqual(
      sent.map((m) => m.role),
      ['system', 'user', 'assistant', 'tool', 'assistant', 'user'],
    );
    assert.equal(sent[1].content, 'Find papers on agent memory');
    assert.equal(sent[2].tool_calls![0].function.name, 'web_search');
    assert.equal(sent[3].tool_call_id, sent[2].tool_calls![0].id);
    assert.equal(sent[4].content, 'Memory papers: three.');
    assert.equal(sent[5].content, 'How many did I ask?');
    // The session's stream replays the answers' tokens as the model wrote them, each before its message.
    const stream = await openStream(`${base}/api/chat/stream?session_id=${sessionId}`, {
      'x-api-key': t.key,
      'last-event-id': '0',
    });
    await waitForState(
      async () => stream.events.filter((e) => e.event === 'message').length,
      (n) => n >= 4,
    );
    await stream.close();
    const ofFirst = stream.events.filter((e) => e.data.execution_id === first.body.data.execution_id);
    assert.equal(
      ofFirst
        .filter((e) => e.event === 'token')
        .map((e) => e.data.data.text)
        .join(''),
      'Memory papers: three.',
    );
    assert.ok(ofFirst.findIndex((e) => e.event === 'token') < ofFirst.findIndex((e) => e.event === 'message'));
    assert.ok(
      ofFirst.filter((e) => e.event === 'token').every((e) => e.data.data.turn === 2),
      'streamed pieces, not slices of the finished answer',
    );
  });
  // Last: once a server refused streaming, this process no longer asks it to stream.
  it('retries a 429 (honouring Retry-After) and falls back when the server refuses streaming', async () => {
    llm.script(error(429, { retryAfter: 0 }), text('fine'));
    const retried = await execute(agents.student, { task: 'Say something' });
    assert.equal(retried.body.data.status, 'completed', JSON.stringify(retried.body));
    assert.equal(retried.body.data.result.summary, 'fine');
    assert.equal(llm.requests.length, 2);

    llm.reset();
    llm.script(refuseStreaming(text('plain answer')));
    const plain = await execute(agents.student, { task: 'Say something else' });
    assert.equal(plain.body.data.result.summary, 'plain answer');
    assert.deepEqual(
      llm.requests.map((r) => r.stream),
      [true, false],
    );
    const turn = plain.body.data.reasoning_trace.find((s: { type: string }) => s.type === 'llm');
    assert.equal(turn.streamed, false);
  });
});
