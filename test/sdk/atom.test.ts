import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AtomClient, GovernanceDeniedError, NotFoundError, Page, TimeoutError } from '@atom-platform/sdk';
import { makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';
import { type Server, startServer } from './server.js';

describe('AtomClient against the real server', () => {
  let srv: Server;
  let t: TestTenant;
  let client: AtomClient;
  before(async () => {
    srv = await startServer({ executionSyncBudgetMs: 1500 });
    srv.built.ctx.tools.register(standardKit([]));
    t = await makeTenant(srv.app, 'enterprise');
    client = new AtomClient({ baseUrl: srv.url, apiKey: t.key });
  });
  after(() => srv.close());

  it('agents.create/get/update/list/delete', async () => {
    const agent = await client.agents.create({
      name: 'Research Assistant',
      role: 'general-assistant',
      maturity_level: 'student',
    });
    assert.match(agent.id, /^agt_/);
    assert.equal(agent.maturity_level, 'student');
    const detail = await client.agents.get(agent.id);
    assert.equal(detail.name, 'Research Assistant');
    const updated = await client.agents.update(agent.id, { description: 'Finds papers' });
    assert.equal(updated.description, 'Finds papers');
    const list = await client.agents.list({ maturity_level: 'student' });
    assert.ok(list instanceof Page && Array.isArray(list.items));
    assert.ok(list.some((a) => a.id === agent.id));
    assert.equal(list.pagination?.page, 1);
    assert.deepEqual(await client.agents.delete(agent.id), { deleted: true, agent_id: agent.id });
    await assert.rejects(
      client.agents.get(agent.id),
      (e) => e instanceof NotFoundError && (e as NotFoundError).code === 'AGENT_NOT_FOUND',
    );
  });

  it('iterates every page of agents', async () => {
    for (let i = 0; i < 5; i += 1)
      await client.agents.create({ name: `bulk ${i}`, role: 'custom', maturity_level: 'intern' });
    const seen: string[] = [];
    for await (const a of client.agents.iterate({ maturity_level: 'intern', limit: 2 })) seen.push(a.name);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
  });

  it('execute answers at once when quick, and polls a 202 until the execution is done', async () => {
    const agent = await client.agents.create({ name: 'Exec', role: 'general-assistant', maturity_level: 'student' });
    const quick = await client.agents.execute(agent.id, { task: 'Search for AI papers' });
    assert.equal(quick.status, 'completed');
    assert.deepEqual(quick.tools_used, ['web_search']);
    const polled = await client.agents.execute(
      agent.id,
      { task: 'search papers', parameters: { async: true } },
      { pollIntervalMs: 100 },
    );
    assert.equal(polled.status, 'completed');
    assert.equal(polled.progress, 100);
    const slow = await client.agents.execute(
      agent.id,
      { task: 'compile the quarterly inventory digest' },
      { pollIntervalMs: 200 },
    );
    assert.equal(slow.status, 'completed');
    assert.ok((slow.duration_seconds ?? 0) >= 3);
    const pending = await client.agents.execute(
      agent.id,
      { task: 'compile the quarterly inventory digest' },
      { wait: false },
    );
    assert.equal(pending.status, 'in_progress');
    const cancelled = await client.agents.cancelExecution(agent.id, pending.execution_id);
    assert.equal(cancelled.execution_id, pending.execution_id);
    const timedOut = await client.agents
      .execute(
        agent.id,
        { task: 'compile the quarterly inventory digest' },
        { pollIntervalMs: 100, waitTimeoutMs: 300 },
      )
      .catch((e) => e);
    assert.ok(timedOut instanceof TimeoutError);
    assert.equal((timedOut.details as { execution: { status: string } }).execution.status, 'in_progress');
    const runs = await client.agents.listExecutions(agent.id);
    assert.ok(runs.length >= 4);
  });

  it('governance refusals are GovernanceDeniedError', async () => {
    const agent = await client.agents.create({ name: 'Paused', role: 'general-assistant', maturity_level: 'student' });
    await client.agents.update(agent.id, { status: 'paused' });
    const err = await client.agents.execute(agent.id, { task: 'search papers' }).catch((e) => e);
    assert.ok(err instanceof GovernanceDeniedError, String(err));
    assert.equal(err.code, 'GOVERNANCE_DENIED');
    assert.equal(err.status, 403);
  });
});
