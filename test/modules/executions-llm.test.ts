import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

/**
 * The OpenAI protocol path against a chat-completions server on loopback that speaks the
 * protocol: it asks for a tool call first, then answers with the tool's result.
 */
describe('LLM execution over the OpenAI protocol', () => {
  let llm: http.Server;
  let built: Built;
  let t: TestTenant;
  const requests: { auth: string | undefined; body: any }[] = [];
  const toolCalls: { tool: string; args: Record<string, unknown> }[] = [];

  before(async () => {
    llm = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw);
        requests.push({ auth: req.headers.authorization, body });
        const toolMsg = body.messages.find((m: { role: string }) => m.role === 'tool');
        const message = toolMsg
          ? { role: 'assistant', content: JSON.parse(toolMsg.content).output ? `Found: ${JSON.parse(toolMsg.content).output.results[0]}` : 'I was not allowed to search.' }
          : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'web_search', arguments: JSON.stringify({ task: 'AI agents' }) } }] };
        res.writeHead(req.url === '/v1/chat/completions' ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'cmpl', object: 'chat.completion', choices: [{ index: 0, message, finish_reason: toolMsg ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
      });
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    const port = (llm.address() as AddressInfo).port;
    built = await startApp({ llm: { baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-llm-test', model: 'test-model', historyTokens: 4000 } });
    built.ctx.tools.register(standardKit(toolCalls));
    t = await makeTenant(built.app);
  });
  after(async () => {
    await built.close();
    await new Promise<void>((r) => llm.close(() => r()));
  });

  it('offers the agent\'s tools, runs the requested tool through governance, and returns the answer', async () => {
    const agent = (await call(built.app, 'POST', '/api/agents', { key: t.key, body: { name: 'LLM agent', role: 'general-assistant', maturity_level: 'student' } })).body.data.agent.id;
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, { key: t.key, body: { task: 'Search for recent AI agent papers' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body.data;
    assert.equal(d.status, 'completed');
    assert.equal(d.result.summary, 'Found: paper about AI agents');
    assert.deepEqual(d.tools_used, ['web_search']);
    assert.deepEqual(toolCalls.at(-1), { tool: 'web_search', args: { task: 'AI agents' } });
    assert.equal(d.confidence, 0.8);
    assert.match(d.reasoning_trace[0].planner, /LLM test-model/);
    assert.ok(d.reasoning_trace.some((s: { type: string; tool?: string }) => s.type === 'governance' && s.tool === 'web_search'));

    assert.equal(requests.length, 2);
    assert.equal(requests[0].auth, 'Bearer sk-llm-test');
    assert.equal(requests[0].body.model, 'test-model');
    assert.ok(requests[0].body.tools.some((x: { function: { name: string } }) => x.function.name === 'web_search'));
    assert.equal(requests[1].body.messages.at(-1).role, 'tool');
    assert.equal(requests[1].body.messages.at(-1).tool_call_id, 'call_1');
  });

  it('a tool the agent may not use is refused and the model is told so', async () => {
    const before = requests.length;
    const agent = (await call(built.app, 'POST', '/api/agents', { key: t.key, body: { name: 'Student', role: 'general-assistant', maturity_level: 'student' } })).body.data.agent.id;
    // The server model asks for web_search; make deletion the only matching work by overriding search to level 4.
    await call(built.app, 'PUT', '/api/governance/actions/search', { key: t.key, body: { complexity: 4 } });
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, { key: t.key, body: { task: 'Tell me about papers', action: 'read' } });
    await call(built.app, 'DELETE', '/api/governance/actions/search', { key: t.key });
    assert.equal(res.body.data.governance_violations[0].tool, 'web_search');
    const toolReply = JSON.parse(requests[before + 1].body.messages.at(-1).content);
    assert.match(toolReply.error, /GOVERNANCE_DENIED/);
  });
});
