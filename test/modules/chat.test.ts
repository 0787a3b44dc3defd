import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { freshDatabaseUrl, startApp, testConfig } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { waitUntil } from '../helpers/receiver.js';
import { openStream } from '../helpers/sse.js';
import { standardKit } from '../helpers/tools.js';

describe('chat sessions and streaming', () => {
  let built: Built;
  let base: string;
  let t: TestTenant;
  let agent: string;
  before(async () => {
    built = await startApp({ sseHeartbeatMs: 200, executionSyncBudgetMs: 1000 });
    built.ctx.tools.register(standardKit());
    base = await built.app.listen({ port: 0, host: '127.0.0.1' });
    t = await makeTenant(built.app);
    agent = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'Chatty', role: 'general-assistant', maturity_level: 'student' },
      })
    ).body.data.agent.id;
  });
  after(() => built.close());

  it('a message runs through the runtime and is answered; both are persisted', async () => {
    const res = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { agent_id: agent, message: 'search research papers about agents' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.status, 'completed');
    assert.equal(res.body.data.message.data.role, 'assistant');
    assert.match(res.body.data.message.data.content, /web_search/);
    const session = await call(built.app, 'GET', `/api/sessions/${res.body.data.session_id}`, { key: t.key });
    assert.deepEqual(
      session.body.data.messages.map((m: { data: { role: string } }) => m.data.role),
      ['user', 'assistant'],
    );
    const again = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { session_id: res.body.data.session_id, message: 'and search papers on memory' },
    });
    assert.equal(again.body.data.session_id, res.body.data.session_id);
    const list = await call(built.app, 'GET', `/api/sessions?agent_id=${agent}`, { key: t.key });
    assert.equal(list.body.data.pagination.total, 1);
  });

  it('streams steps, tokens and the answer over SSE, with heartbeats, and resumes after Last-Event-ID', async () => {
    const session = (await call(built.app, 'POST', '/api/sessions', { key: t.key, body: { agent_id: agent } })).body
      .data.session;
    const stream = await openStream(`${base}/api/chat/stream?session_id=${session.id}`, { 'x-api-key': t.key });
    assert.equal(stream.status, 200);
    assert.match(String(stream.contentType), /text\/event-stream/);
    const res = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { session_id: session.id, message: 'compile the quarterly inventory digest' },
    });
    assert.equal(res.body.data.status, 'in_progress');
    assert.equal(res.body.data.message, null);
    await waitUntil(
      () => stream.events.some((e) => e.event === 'status' && e.data.data.status === 'completed'),
      40_000,
    );
    const kinds = stream.events.map((e) => e.event);
    assert.ok(kinds.includes('step'), 'reasoning steps streamed');
    assert.ok(kinds.includes('token'));
    const answerAt = stream.events.findIndex((e) => e.event === 'message' && e.data.data.role === 'assistant');
    assert.ok(answerAt > kinds.lastIndexOf('token'), 'tokens, then the whole message');
    const tokens = stream.events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.data.text)
      .join('');
    assert.equal(
      tokens,
      stream.events.find((e) => e.event === 'message' && e.data.data.role === 'assistant')!.data.data.content,
    );
    assert.ok(
      stream.comments.some((c) => c.startsWith(': ping')),
      'heartbeats',
    );
    await stream.close();

    const middle = stream.events[2].id!;
    const resumed = await openStream(`${base}/api/chat/stream?session_id=${session.id}`, {
      'x-api-key': t.key,
      'last-event-id': middle,
    });
    const expected = stream.events.slice(3).map((e) => e.id);
    await waitUntil(() => resumed.events.length >= expected.length);
    assert.deepEqual(
      resumed.events.slice(0, expected.length).map((e) => e.id),
      expected,
    );
    assert.ok(Number(resumed.events[0].id) > Number(middle), 'nothing at or before Last-Event-ID is sent again');
    await resumed.close();
  });

  it('governance refusals answer 403 and are recorded in the session', async () => {
    const res = await call(built.app, 'POST', '/api/chat', {
      key: t.key,
      body: { agent_id: agent, message: 'delete every record in the CRM' },
    });
    expectError(res, 403, 'GOVERNANCE_DENIED');
    const sessions = await call(built.app, 'GET', '/api/sessions', { key: t.key });
    const latest = sessions.body.data.sessions[0];
    const stream = await openStream(`${base}/api/chat/stream?session_id=${latest.id}`, { 'x-api-key': t.key });
    await waitUntil(() => stream.events.some((e) => e.event === 'error'));
    assert.equal(stream.events.find((e) => e.event === 'error')!.data.data.code, 'GOVERNANCE_DENIED');
    await stream.close();
  });

  it('security and input: tenants, missing fields, delete', async () => {
    const other = await makeTenant(built.app);
    const mine = (await call(built.app, 'POST', '/api/sessions', { key: t.key, body: { agent_id: agent } })).body.data
      .session;
    expectError(await call(built.app, 'GET', `/api/sessions/${mine.id}`, { key: other.key }), 404, 'SESSION_NOT_FOUND');
    expectError(
      await call(built.app, 'POST', '/api/chat', { key: other.key, body: { session_id: mine.id, message: 'hi' } }),
      404,
      'SESSION_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', '/api/sessions', { key: other.key, body: { agent_id: agent } }),
      404,
      'AGENT_NOT_FOUND',
    );
    const denied = await openStream(`${base}/api/chat/stream?session_id=${mine.id}`, { 'x-api-key': other.key });
    assert.equal(denied.status, 404);
    await denied.close();
    const anon = await openStream(`${base}/api/chat/stream?session_id=${mine.id}`, {});
    assert.equal(anon.status, 401);
    await anon.close();
    expectError(
      await call(built.app, 'POST', '/api/chat', { key: t.key, body: { message: 'hi' } }),
      400,
      'MISSING_REQUIRED_FIELD',
    );
    expectError(
      await call(built.app, 'POST', '/api/chat', { key: t.key, body: { agent_id: agent, message: '' } }),
      400,
      'VALIDATION_ERROR',
    );
    assert.equal((await call(built.app, 'DELETE', `/api/sessions/${mine.id}`, { key: t.key })).body.data.deleted, true);
    expectError(await call(built.app, 'GET', `/api/sessions/${mine.id}`, { key: t.key }), 404, 'SESSION_NOT_FOUND');
  });
});

describe('streams fan out across instances through Redis', {
  skip: !(process.env.DATABASE_URL && process.env.REDIS_URL) && 'needs DATABASE_URL and REDIS_URL',
}, () => {
  it('a message sent to one instance reaches a stream open on another', async () => {
    const db = await freshDatabaseUrl();
    const a = await buildApp(testConfig({ databaseUrl: db.url }));
    const b = await buildApp(testConfig({ databaseUrl: db.url }));
    try {
      a.ctx.tools.register(standardKit());
      const baseB = await b.app.listen({ port: 0, host: '127.0.0.1' });
      const t = await makeTenant(a.app);
      const agent = (
        await call(a.app, 'POST', '/api/agents', {
          key: t.key,
          body: { name: 'X', role: 'custom', maturity_level: 'student' },
        })
      ).body.data.agent.id;
      const session = (await call(a.app, 'POST', '/api/sessions', { key: t.key, body: { agent_id: agent } })).body.data
        .session;
      const stream = await openStream(`${baseB}/api/chat/stream?session_id=${session.id}`, { 'x-api-key': t.key });
      await call(a.app, 'POST', '/api/chat', {
        key: t.key,
        body: { session_id: session.id, message: 'search research papers' },
      });
      await waitUntil(() => stream.events.some((e) => e.event === 'message' && e.data.data.role === 'assistant'));
      await stream.close();
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
