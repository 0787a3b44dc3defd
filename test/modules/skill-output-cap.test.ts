import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForState } from '../helpers/agent-work.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * Skill output is capped (ATOM_SKILL_OUTPUT_MAX_BYTES, 256 KiB of JSON by default), and a large
 * output an agent's execution keeps is stored once (issue 20).
 */
let built: Awaited<ReturnType<typeof startApp>>;
let t: TestTenant;
let agent: string;

before(async () => {
  built = await startApp();
  t = await makeTenant(built.app);
  agent = (
    await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'Reader', role: 'custom', maturity_level: 'student' },
    })
  ).body.data.agent.id;
});
after(() => built.close());

async function skill(name: string, code: string): Promise<string> {
  const res = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: { name, description: `${name} skill`, skill_type: 'function', action: 'read', code },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.skill_id as string;
}

/** Runs a task on the agent (the embedded planner picks the skill by name) and waits for its end. */
async function runAgent(task: string) {
  const started = await call(built.app, 'POST', `/api/agents/${agent}/execute`, { key: t.key, body: { task } });
  assert.ok([200, 202].includes(started.status), JSON.stringify(started.body));
  const id = started.body.data.execution_id as string;
  const done = await waitForState(
    () => call(built.app, 'GET', `/api/agents/${agent}/executions/${id}`, { key: t.key }),
    (r) => ['completed', 'failed'].includes(r.body.data.status),
  );
  return done.body.data;
}

const journalOf = async (id: string) =>
  (await call(built.app, 'GET', `/api/agents/${agent}/executions/${id}/journal`, { key: t.key })).body.data.steps;

describe('skill output cap', () => {
  const huge = 'function execute() { return "x".repeat(300 * 1024); }';

  it('fails a direct run over the cap with 422 SKILL_OUTPUT_TOO_LARGE', async () => {
    const id = await skill('Huge Dump', huge);
    const res = await call(built.app, 'POST', `/api/skills/${id}/execute`, { key: t.key, body: { input: {} } });
    expectError(res, 422, 'SKILL_OUTPUT_TOO_LARGE');
    assert.equal(res.body.error.details.limit_bytes, 256 * 1024);
    assert.match(res.body.error.details.execution_id, /^sxe_/);
    // Under the cap, the same skill shape works.
    const small = await skill('Small Dump', 'function execute() { return "x".repeat(1000); }');
    const ok = await call(built.app, 'POST', `/api/skills/${small}/execute`, { key: t.key, body: { input: {} } });
    assert.equal(ok.body.status, 'completed');
  });

  it("records the failure on the agent's tool call", async () => {
    await skill('Oversized Export', huge);
    const e = await runAgent('Oversized export please');
    assert.equal(e.status, 'failed', JSON.stringify(e).slice(0, 500));
    assert.match(e.result.errors['Oversized Export'], /^SKILL_OUTPUT_TOO_LARGE: /);
    const call_ = e.reasoning_trace.find((s: { type: string }) => s.type === 'tool_call');
    assert.equal(call_.ok, false);
    assert.match(call_.error, /^SKILL_OUTPUT_TOO_LARGE/);
    const [step] = (await journalOf(e.execution_id)).filter((s: { kind: string }) => s.kind === 'tool');
    assert.equal(step.status, 'failed');
    assert.match(step.error, /^SKILL_OUTPUT_TOO_LARGE/);
  });
});

describe('a large output is stored once per execution', () => {
  // About 200 KiB of JSON that does not compress away (pseudo-random base-36 words).
  const code = `function execute() {
    let x = 12345; const rows = [];
    for (let k = 0; k < 24000; k++) { x = (x * 1103515245 + 12345) % 2147483648; rows.push(x.toString(36)); }
    return { rows };
  }`;

  it('keeps the output in the result once; the trace, details, journal and event refer to it', async (ctx) => {
    await skill('Ledger Extract', code);
    const e = await runAgent('Ledger extract for March');
    assert.equal(e.status, 'completed', JSON.stringify(e).slice(0, 500));
    const outputBytes = Buffer.byteLength(JSON.stringify(e.result.output));
    assert.ok(outputBytes > 150_000 && outputBytes < 256 * 1024, `output ${outputBytes} bytes`);
    // What the API shows: the output in full where it lives, references elsewhere.
    assert.equal(e.result.output.rows.length, 24000);
    assert.deepEqual(e.result.details['Ledger Extract'], { $ref: '#/output', bytes: outputBytes });
    const traced = e.reasoning_trace.find((s: { type: string }) => s.type === 'tool_call');
    assert.equal(traced.output.bytes, outputBytes);
    const [step] = (await journalOf(e.execution_id)).filter((s: { kind: string }) => s.kind === 'tool');
    assert.deepEqual(step.result.output, {
      $ref: `/api/agents/${agent}/executions/${e.execution_id}#/result/output`,
      bytes: outputBytes,
    });

    // What the database holds for this execution (pg_column_size: bytes as stored, after compression).
    const size = async (sql: string) =>
      Number((await built.ctx.db.query<{ n: number }>('*', sql, [t.id, e.execution_id]))[0].n ?? 0);
    const bytes = {
      execution_result: await size(
        'SELECT pg_column_size(result) AS n FROM executions WHERE tenant_id = $1 AND id = $2',
      ),
      execution_trace: await size(
        'SELECT pg_column_size(reasoning_trace) AS n FROM executions WHERE tenant_id = $1 AND id = $2',
      ),
      journal: await size(
        'SELECT sum(pg_column_size(result))::int AS n FROM journal_steps WHERE tenant_id = $1 AND run_id = $2',
      ),
      events: await size(
        "SELECT sum(pg_column_size(data))::int AS n FROM events WHERE tenant_id = $1 AND data->>'execution_id' = $2",
      ),
      jobs: await size(
        "SELECT sum(pg_column_size(data))::int AS n FROM pgboss.job WHERE data->'event'->>'tenant_id' = $1 " +
          "AND data->'event'->'data'->>'execution_id' = $2",
      ),
    };
    const total = Object.values(bytes).reduce((a, b) => a + b, 0);
    ctx.diagnostic(`output ${outputBytes} B of JSON; stored ${JSON.stringify(bytes)}; total ${total} B`);
    // One (compressed) copy of the output, plus small rows: well under two copies.
    assert.ok(bytes.execution_result > 50_000, JSON.stringify(bytes));
    assert.ok(total < bytes.execution_result * 1.25, JSON.stringify(bytes));
  });
});
