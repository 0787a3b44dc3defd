import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { MAX_ATTEMPTS } from '../../src/modules/executions/runtime/runner.js';
import { waitForState } from '../helpers/agent-work.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

/**
 * The lease sweep (issue 21) in one process: a run left in progress with a stale heartbeat (as a
 * killed process leaves it) is taken over and finished; one that has already been taken over
 * MAX_ATTEMPTS times is ended as failed instead of being taken over for ever. The kill -9 cases
 * across processes are in executions-takeover.test.ts and executions-restart.test.ts.
 */
describe('the lease sweep', () => {
  let built: Built;
  let t: TestTenant;
  let agent: string;
  before(async () => {
    built = await startApp({ executionStaleMs: 1000, executionSweepMs: 100 });
    built.ctx.tools.register(standardKit([]));
    t = await makeTenant(built.app, 'enterprise');
    const res = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'swept', role: 'general-assistant', maturity_level: 'autonomous' },
    });
    agent = res.body.data.agent.id;
  });
  after(() => built.close());

  /** A finished run put back as a dead runner leaves it: in progress, no heartbeat for an hour. */
  const abandoned = async (attempts: number) => {
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, {
      key: t.key,
      body: { task: 'Search for lease sweeps' },
    });
    assert.equal(res.body.data.status, 'completed', JSON.stringify(res.body));
    const id: string = res.body.data.execution_id;
    await built.ctx.db.query(
      '*',
      `UPDATE executions SET status = 'in_progress', completed_at = NULL, attempts = $3,
      heartbeat_at = now() - interval '1 hour' WHERE tenant_id = $1 AND id = $2`,
      [t.id, id, attempts],
    );
    return id;
  };
  /** The run once it is no longer in progress (the sweep took it and it ended). */
  const settled = async (id: string) => {
    const read = async () =>
      (await call(built.app, 'GET', `/api/agents/${agent}/executions/${id}`, { key: t.key })).body.data;
    return waitForState(read, (run) => run.status !== 'in_progress', 30_000);
  };

  it('takes over a run whose heartbeat went stale, and finishes it', async () => {
    const id = await abandoned(1);
    const run = await settled(id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const [row] = await built.ctx.db.query<{ attempts: number }>('*', 'SELECT attempts FROM executions WHERE id = $1', [
      id,
    ]);
    assert.equal(row.attempts, 2);
  });

  it(`ends a run as failed once it has been taken over ${MAX_ATTEMPTS} times`, async () => {
    const id = await abandoned(MAX_ATTEMPTS);
    const run = await settled(id);
    assert.equal(run.status, 'failed', JSON.stringify(run));
    assert.match(run.error, new RegExp(`Stopped after ${MAX_ATTEMPTS} attempts`));
  });
});
