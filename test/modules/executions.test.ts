import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { MATURITY_LEVELS } from '../../src/modules/governance/policy.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

const waitFor = async (fn: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('execution runtime and governance', () => {
  let built: Built;
  let t: TestTenant;
  const calls: { tool: string; args: Record<string, unknown> }[] = [];
  const agents: Record<string, string> = {};
  before(async () => {
    built = await startApp({ executionSyncBudgetMs: 1500 });
    built.ctx.tools.register(standardKit(calls));
    t = await makeTenant(built.app, 'enterprise');
    for (const level of MATURITY_LEVELS) {
      const res = await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: `${level} agent`, role: 'general-assistant', maturity_level: level },
      });
      agents[level] = res.body.data.agent.id;
    }
  });
  after(() => built.close());

  const execute = (agent: string, body: Record<string, unknown>, key = t.key) =>
    call(built.app, 'POST', `/api/agents/${agent}/execute`, { key, body });

  it('runs the embedded planner synchronously and says so in the trace', async () => {
    const res = await execute(agents.student, {
      task: 'Search for recent AI research papers',
      context: { domain: 'academic' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body.data;
    assert.equal(d.status, 'completed');
    assert.match(d.execution_id, /^exe_/);
    assert.deepEqual(d.tools_used, ['web_search']);
    assert.deepEqual(d.result.details.web_search, { results: ['paper about Search for recent AI research papers'] });
    assert.ok(d.confidence > 0 && d.confidence <= 1);
    assert.match(d.reasoning_trace[0].planner, /embedded deterministic planner/);
    assert.ok(d.duration_seconds >= 0);
    const polled = await call(built.app, 'GET', d.poll_url, { key: t.key });
    assert.equal(polled.body.data.progress, 100);
  });

  it('every governance cell: 4 maturity levels x 4 action levels', async () => {
    const actions = { 1: 'search', 2: 'analyze', 3: 'send_email', 4: 'delete' } as const;
    const expected: Record<string, string[]> = {
      student: ['allow', 'deny', 'deny', 'deny'],
      intern: ['allow', 'allow', 'deny', 'deny'],
      supervised: ['allow', 'allow', 'approval', 'deny'],
      autonomous: ['allow', 'allow', 'allow', 'allow'],
    };
    for (const level of MATURITY_LEVELS) {
      for (const complexity of [1, 2, 3, 4] as const) {
        const res = await execute(agents[level], {
          task: `please ${actions[complexity]} things`,
          action: actions[complexity],
        });
        const want = expected[level][complexity - 1];
        const cell = `${level} x level ${complexity}`;
        if (want === 'deny') {
          expectError(res, 403, 'GOVERNANCE_DENIED');
          assert.equal(res.body.error.details.current_maturity, level, cell);
          assert.equal(res.body.error.details.required_maturity, MATURITY_LEVELS[complexity - 1], cell);
          assert.equal(res.body.error.details.action, actions[complexity], cell);
          assert.ok(res.body.error.details.reason, cell);
        } else if (want === 'approval') {
          assert.equal(res.status, 202, cell);
          assert.ok(res.body.data.awaiting_approval, cell);
        } else {
          assert.ok([200, 202].includes(res.status), `${cell}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }
  });

  it('reads the action from the task text when none is declared', async () => {
    const res = await execute(agents.student, { task: 'Delete all stale records from the database' });
    expectError(res, 403, 'GOVERNANCE_DENIED');
    assert.equal(res.body.error.details.action, 'delete');
    assert.equal(res.body.error.message, 'Agent maturity level insufficient for this action');
  });

  it('approval round trip: a supervised agent waits, a reviewer approves, the execution resumes', async () => {
    const res = await execute(agents.supervised, { task: 'Send email to customers about the renewal' });
    assert.equal(res.status, 202);
    const approvalId = res.body.data.awaiting_approval;
    const pending = await call(built.app, 'GET', '/api/governance/approvals?status=pending', { key: t.key });
    assert.ok(pending.body.data.approvals.some((a: { id: string }) => a.id === approvalId));
    const member = await makeKey(built.app, t, { role: 'member' });
    expectError(
      await call(built.app, 'POST', `/api/governance/approvals/${approvalId}/approve`, { key: member.key, body: {} }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const ok = await call(built.app, 'POST', `/api/governance/approvals/${approvalId}/approve`, {
      key: t.key,
      body: { note: 'fine' },
    });
    assert.equal(ok.body.data.approval.status, 'approved');
    await waitFor(
      async () =>
        (await call(built.app, 'GET', res.body.data.poll_url, { key: t.key })).body.data.status === 'completed',
    );
    const done = await call(built.app, 'GET', res.body.data.poll_url, { key: t.key });
    assert.deepEqual(done.body.data.tools_used, ['email_sender']);
    assert.equal(done.body.data.human_interventions, 1);
    expectError(
      await call(built.app, 'POST', `/api/governance/approvals/${approvalId}/reject`, { key: t.key, body: {} }),
      409,
      'CONFLICTING_OPERATION',
    );
  });

  it("a rejection fails the execution with the reviewer's note", async () => {
    const res = await execute(agents.supervised, { task: 'Send email to the whole list' });
    const approvalId = res.body.data.awaiting_approval;
    await call(built.app, 'POST', `/api/governance/approvals/${approvalId}/reject`, {
      key: t.key,
      body: { note: 'not today' },
    });
    const done = await call(built.app, 'GET', res.body.data.poll_url, { key: t.key });
    assert.equal(done.body.data.status, 'failed');
    assert.match(done.body.data.error, /not today/);
  });

  it('a high-risk tool needs an approval even for an autonomous agent', async () => {
    const res = await execute(agents.autonomous, { task: 'wire transfer payment to vendor', action: 'read' });
    assert.equal(res.status, 202);
    const polled = await call(built.app, 'GET', res.body.data.poll_url, { key: t.key });
    assert.ok(polled.body.data.awaiting_approval);
    assert.ok(!calls.some((c) => c.tool === 'wire_transfer'), 'the tool did not run');
    await call(built.app, 'POST', `/api/governance/approvals/${polled.body.data.awaiting_approval}/approve`, {
      key: t.key,
      body: {},
    });
    await waitFor(async () => calls.some((c) => c.tool === 'wire_transfer'));
  });

  it("a tool above the agent's maturity is refused mid-run and recorded as a violation", async () => {
    const before = calls.filter((c) => c.tool === 'record_deleter').length;
    const res = await execute(agents.intern, { task: 'delete stale records from the database', action: 'read' });
    assert.equal(res.body.data.status, 'failed');
    assert.equal(res.body.data.governance_violations[0].tool, 'record_deleter');
    assert.equal(res.body.data.governance_violations[0].severity, 'high');
    assert.equal(calls.filter((c) => c.tool === 'record_deleter').length, before, 'the tool did not run');
  });

  it('long work answers in_progress with a poll_url, and can be cancelled', async () => {
    const res = await execute(agents.student, { task: 'compile the quarterly inventory digest' });
    assert.equal(res.status, 202);
    assert.equal(res.body.data.status, 'in_progress');
    assert.equal(res.body.data.poll_url, `/api/agents/${agents.student}/executions/${res.body.data.execution_id}`);
    expectError(await call(built.app, 'DELETE', `/api/agents/${agents.student}`, { key: t.key }), 409, 'CONFLICT');
    const cancel = await call(built.app, 'POST', `${res.body.data.poll_url}/cancel`, { key: t.key });
    assert.equal(cancel.status, 200);
    await waitFor(
      async () =>
        (await call(built.app, 'GET', res.body.data.poll_url, { key: t.key })).body.data.status === 'cancelled',
    );
    expectError(
      await call(built.app, 'POST', `${res.body.data.poll_url}/cancel`, { key: t.key }),
      409,
      'CONFLICTING_OPERATION',
    );
  });

  it('async: true answers at once', async () => {
    const res = await execute(agents.student, { task: 'search papers', parameters: { async: true } });
    assert.equal(res.status, 202);
    await waitFor(
      async () =>
        (await call(built.app, 'GET', res.body.data.poll_url, { key: t.key })).body.data.status === 'completed',
    );
  });

  it('a paused agent cannot act; a failing tool fails the execution with the reason', async () => {
    await call(built.app, 'PUT', `/api/agents/${agents.intern}`, { key: t.key, body: { status: 'paused' } });
    expectError(await execute(agents.intern, { task: 'search papers' }), 403, 'GOVERNANCE_DENIED');
    await call(built.app, 'PUT', `/api/agents/${agents.intern}`, { key: t.key, body: { status: 'active' } });
    const res = await execute(agents.intern, { task: 'fetch the weather forecast' });
    assert.equal(res.body.data.status, 'failed');
    assert.match(res.body.data.result.errors.broken_tool, /upstream unavailable/);
  });

  it('emits agent.executed through the outbox', async () => {
    const rows = await built.ctx.db.query<{ data: { status: string } }>(
      t.id,
      "SELECT data FROM events WHERE type = 'agent.executed'",
    );
    assert.ok(rows.length >= 3);
    assert.ok(rows.some((r) => r.data.status === 'completed'));
  });

  it('tenant overrides move an action to another level', async () => {
    assert.equal(
      (await call(built.app, 'PUT', '/api/governance/actions/search', { key: t.key, body: { complexity: 2 } })).status,
      200,
    );
    expectError(await execute(agents.student, { task: 'search papers' }), 403, 'GOVERNANCE_DENIED');
    await call(built.app, 'DELETE', '/api/governance/actions/search', { key: t.key });
    const table = await call(built.app, 'GET', '/api/governance/actions', { key: t.key });
    assert.equal(table.body.data.actions.find((a: { action: string }) => a.action === 'search').complexity, 1);
  });

  it("another tenant's agents and executions are 404", async () => {
    const other = await makeTenant(built.app);
    expectError(await execute(agents.student, { task: 'search' }, other.key), 404, 'AGENT_NOT_FOUND');
    const mine = await execute(agents.student, { task: 'search papers' });
    expectError(
      await call(built.app, 'GET', mine.body.data.poll_url, { key: other.key }),
      404,
      'AGENT_NOT_FOUND'.replace('AGENT', 'EXECUTION'),
    );
    const approvals = await call(built.app, 'GET', '/api/governance/approvals', { key: other.key });
    assert.equal(approvals.body.data.approvals.length, 0);
  });
});

describe('daily skill execution quota', () => {
  it("refuses with SKILL_LIMIT_EXCEEDED and resets_at once the plan's daily executions are spent", async () => {
    const built = await startApp();
    built.ctx.tools.register(standardKit());
    const t = await makeTenant(built.app, 'free');
    const agent = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'a', role: 'custom', maturity_level: 'student' },
      })
    ).body.data.agent.id;
    await built.ctx.db.query(
      t.id,
      'INSERT INTO usage_counters (tenant_id, metric, day, count) ' +
        "VALUES ($1, 'skill_executions', (now() AT TIME ZONE 'UTC')::date, 99)",
      [t.id],
    );
    const last = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'search papers' },
    });
    assert.equal(last.body.data.status, 'completed', 'the 100th is allowed');
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'search papers' },
    });
    expectError(res, 429, 'SKILL_LIMIT_EXCEEDED');
    assert.equal(res.body.error.details.limit, 100);
    assert.ok(Date.parse(res.body.error.details.resets_at) > Date.now());
    await built.close();
  });
});
