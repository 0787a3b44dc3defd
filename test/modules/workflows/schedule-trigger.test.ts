import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForState } from '../../helpers/agent-work.js';
import { freshDatabaseUrl, startApp } from '../../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../../helpers/http.js';
import { http, type ServerProcess, sharedSecrets, startServerProcess } from '../../helpers/processes.js';
import { waitUntil } from '../../helpers/receiver.js';

/**
 * Schedule triggers: a cron with seconds (every 2 s) and a time zone fires runs while the workflow
 * is active and stops when it is deactivated; a bad cron or zone is refused at activation naming
 * the node and field. Across two server processes on one PostgreSQL database, each tick fires
 * exactly once; a deployment that was down fires one catch-up run, not one per missed tick.
 */
const EVERY_2S = '*/2 * * * * *';
const TICK_MS = 2000;

const graph = (trigger: Record<string, unknown>) => ({
  nodes: [
    { id: 'clock', type: 'trigger', config: trigger },
    { id: 'stamp', type: 'transform', config: { expression: '{"tick": true, "who": input.who}' } },
    { id: 'out', type: 'output', config: { expression: 'nodes.stamp' } },
  ],
  edges: [
    { source: 'clock', target: 'stamp' },
    { source: 'stamp', target: 'out' },
  ],
});

interface RunLite {
  id: string;
  status: string;
  trigger: string;
  scheduled_for: string | null;
  created_at: string;
}

/**
 * Every scheduled_for is a distinct tick of the cron (an even second, to the millisecond), and no run came before its
 * tick.
 */
function assertOneRunPerTick(runs: RunLite[]) {
  const ticks = runs.map((r) => Date.parse(r.scheduled_for!));
  assert.equal(
    new Set(ticks).size,
    ticks.length,
    `two runs for one tick: ${runs.map((r) => r.scheduled_for).join(', ')}`,
  );
  for (const r of runs) {
    assert.equal(r.trigger, 'schedule');
    assert.equal(Date.parse(r.scheduled_for!) % TICK_MS, 0, `${r.scheduled_for} is not a tick of ${EVERY_2S}`);
    assert.ok(Date.parse(r.created_at) >= Date.parse(r.scheduled_for!), `run ${r.id} fired before its tick`);
  }
}

describe('schedule trigger, one process', () => {
  let built: Awaited<ReturnType<typeof startApp>>;
  let t: TestTenant;
  before(async () => {
    built = await startApp({ schedulerIntervalMs: 100 });
    t = await makeTenant(built.app, 'team');
  });
  after(() => built.close());

  // Polled through the admin key with the tenant named: polling is not held to the plan's request limit.
  const admin = () => ({ admin: true, headers: { 'x-tenant-id': t.id } });
  const create = async (name: string, trigger: Record<string, unknown>) => {
    const res = await call(built.app, 'POST', '/api/workflows', { key: t.key, body: { name, ...graph(trigger) } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.workflow.id as string;
  };
  const runsOf = async (id: string): Promise<RunLite[]> =>
    (await call(built.app, 'GET', `/api/workflows/${id}/runs?limit=100`, admin())).body.runs;

  it('fires runs with trigger "schedule" once per tick while active, each completing; deactivation stops them', async () => {
    const id = await create('every two seconds', {
      cron: EVERY_2S,
      timezone: 'UTC',
      who: 'ignored: config is not input',
    });
    // A second scheduled workflow keeps ticking after the first is switched off: the clock the test watches.
    const control = await create('control', { cron: EVERY_2S, timezone: 'UTC' });
    const on = await call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const [schedule] = on.body.triggers.schedules;
    assert.equal(schedule.node_id, 'clock');
    assert.equal(schedule.cron, EVERY_2S);
    assert.equal(schedule.timezone, 'UTC');
    assert.equal(Date.parse(schedule.next_at) % TICK_MS, 0);
    assert.ok(
      Date.parse(schedule.next_at) > Date.now() - TICK_MS && Date.parse(schedule.next_at) <= Date.now() + TICK_MS,
      schedule.next_at,
    );
    assert.equal((await call(built.app, 'POST', `/api/workflows/${control}/activate`, { key: t.key })).status, 200);

    const runs = await waitForState(
      () => runsOf(id),
      (rs) => rs.filter((r) => r.status === 'completed').length >= 3,
      30_000,
    );
    assertOneRunPerTick(runs);
    const done = (
      await call(built.app, 'GET', `/api/workflow-runs/${runs.find((r) => r.status === 'completed')!.id}`, admin())
    ).body.run;
    assert.deepEqual(done.output, { tick: true }, 'a scheduled run starts with an empty input');
    const shown = (await call(built.app, 'GET', `/api/workflows/${id}`, { key: t.key })).body.workflow.schedules[0];
    assert.ok(shown.last_fired_at, 'the workflow shows when its schedule last fired');
    assert.ok(Date.parse(shown.next_at) > Date.parse(runs[0].scheduled_for!), 'next_at moved past the last tick');

    const off = await call(built.app, 'POST', `/api/workflows/${id}/deactivate`, { key: t.key });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(
      (await call(built.app, 'GET', `/api/workflows/${id}`, { key: t.key })).body.workflow.schedules,
      [],
      'the schedule row is gone',
    );
    // A tick in flight when deactivation came has committed by now (it holds the row the deactivation deletes).
    const firedWhileActive = (await runsOf(id)).length;
    const switchedOffAt = Date.now();
    // Two more ticks of the control workflow: the scheduler has passed over the deactivated one at least twice.
    await waitForState(
      () => runsOf(control),
      (rs) => rs.filter((r) => Date.parse(r.scheduled_for!) > switchedOffAt).length >= 2,
      30_000,
    );
    assert.equal((await runsOf(id)).length, firedWhileActive, 'no run after deactivation');
    await call(built.app, 'POST', `/api/workflows/${control}/deactivate`, { key: t.key });
  });

  it("computes the next tick in the trigger's time zone", async () => {
    const id = await create('tokyo mornings', { cron: '0 9 * * *', timezone: 'Asia/Tokyo' });
    const on = await call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const next = new Date(on.body.triggers.schedules[0].next_at);
    assert.equal(next.getUTCHours(), 0, '09:00 in Tokyo is 00:00 UTC');
    assert.equal(next.getUTCMinutes(), 0);
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 86_400_000);
    await call(built.app, 'POST', `/api/workflows/${id}/deactivate`, { key: t.key });
  });

  it(
    'refuses an invalid cron or time zone at activation (400 naming the node and field); an active workflow cannot ' +
      'be saved with one',
    async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ cron: 'every morning', timezone: 'UTC' }, 'nodes[0].config.cron', /cron 'every morning' is not valid/],
        [{ cron: '61 * * * * *' }, 'nodes[0].config.cron', /is not valid/],
        [{ cron: 7 }, 'nodes[0].config.cron', /cron must be a string/],
        [
          { cron: EVERY_2S, timezone: 'Mars/Olympus_Mons' },
          'nodes[0].config.timezone',
          /unknown time zone 'Mars\/Olympus_Mons'/,
        ],
      ];
      for (const [trigger, field, message] of cases) {
        const id = await create('bad schedule', trigger);
        const res = await call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key });
        expectError(res, 400, 'VALIDATION_ERROR');
        assert.equal(res.body.error.details.node_id, 'clock', JSON.stringify(res.body));
        assert.equal(res.body.error.details.field, field);
        assert.match(res.body.error.message, message);
        assert.equal(
          (await call(built.app, 'GET', `/api/workflows/${id}`, { key: t.key })).body.workflow.active,
          false,
        );
      }

      const id = await create('good, then bad', { cron: '0 9 * * *' });
      assert.equal((await call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key })).status, 200);
      const bad = await call(built.app, 'PUT', `/api/workflows/${id}`, {
        key: t.key,
        body: graph({ cron: '0 25 * * *' }),
      });
      expectError(bad, 400, 'VALIDATION_ERROR');
      assert.equal(bad.body.error.details.field, 'nodes[0].config.cron');
      const kept = (await call(built.app, 'GET', `/api/workflows/${id}`, { key: t.key })).body.workflow.schedules;
      assert.equal(kept[0].cron, '0 9 * * *', 'the refused save left the schedule as it was');
      await call(built.app, 'POST', `/api/workflows/${id}/deactivate`, { key: t.key });
    },
  );
});

/**
 * Real server processes, each running the scheduler every 200 ms. On PostgreSQL two run side by
 * side on one database (they race for every tick); on the embedded database, which one process
 * owns, one process runs on a data directory that survives its restart.
 */
describe('schedule trigger across server processes', () => {
  const concurrent = !!process.env.DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'atom-schedule-'));
  const secrets = sharedSecrets();
  const adminHeaders = { 'x-admin-key': secrets.ATOM_ADMIN_KEY };
  let db: Awaited<ReturnType<typeof freshDatabaseUrl>> | null = null;
  let env: Record<string, string>;
  const live: ServerProcess[] = [];
  let tenant: { id: string; key: string };
  let workflowId: string;

  const startAll = async () => {
    // One after the other: the first applies the migrations.
    for (let i = 0; i < (concurrent ? 2 : 1); i++) live.push(await startServerProcess(env));
  };
  const stopAll = async () => {
    while (live.length) await live.pop()!.kill('SIGTERM');
  };
  const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
    http(`${live[0].url}${path}`, { ...init, headers: { ...adminHeaders, 'x-tenant-id': tenant.id } });
  const runs = async (): Promise<RunLite[]> => {
    const res = await api(`/api/workflows/${workflowId}/runs?limit=100`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.runs;
  };

  before(async () => {
    if (concurrent) db = await freshDatabaseUrl();
    env = {
      ...secrets,
      ATOM_DATA_DIR: dir,
      DATABASE_URL: db?.url ?? '',
      REDIS_URL: concurrent ? (process.env.REDIS_URL ?? '') : '',
      ATOM_SCHEDULER_INTERVAL_MS: '200',
    };
    await startAll();
    const made = await http(`${live[0].url}/api/tenants`, {
      method: 'POST',
      headers: adminHeaders,
      body: { name: 'Clockwork', plan: 'team' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    tenant = { id: made.body.data.tenant.id, key: made.body.data.key };
    const created = await api('/api/workflows', {
      method: 'POST',
      body: { name: 'every two seconds', ...graph({ cron: EVERY_2S, timezone: 'UTC' }) },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    workflowId = created.body.workflow.id;
  });
  after(async () => {
    for (const p of live) await p.kill('SIGKILL');
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`fires each tick exactly once with ${concurrent ? 'two processes' : 'one process'} running the scheduler`, async () => {
    const on = await api(`/api/workflows/${workflowId}/activate`, { method: 'POST', body: {} });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const fired = await waitForState(runs, (rs) => rs.filter((r) => r.status === 'completed').length >= 6, 60_000);
    assertOneRunPerTick(fired);
    // Ticks are 2 s apart; the runs between the first and the last tick seen are at most one per tick.
    const ticks = fired.map((r) => Date.parse(r.scheduled_for!)).sort((a, b) => a - b);
    assert.ok(
      ticks.length <= (ticks.at(-1)! - ticks[0]) / TICK_MS + 1,
      `${ticks.length} runs over ${(ticks.at(-1)! - ticks[0]) / 1000} s`,
    );
    const failed = fired.filter((r) => r.status === 'failed');
    assert.deepEqual(failed, [], 'no scheduled run failed');
  });

  it('after downtime, fires one catch-up run for the missed ticks, not one per missed tick', async () => {
    // A graceful stop waits for a tick in flight: every run was created before stoppedAt or after restartedAt.
    await stopAll();
    const stoppedAt = Date.now();
    // The tick due when the deployment stopped is at most one tick away (the scheduler ran every 200 ms);
    // staying down until two more ticks have passed it means at least three ticks are missed.
    await waitUntil(() => Date.now() > stoppedAt + 3 * TICK_MS + 500, 30_000);
    const restartedAt = Date.now();
    await startAll();
    const all = await waitForState(
      runs,
      (rs) => rs.filter((r) => Date.parse(r.scheduled_for!) > restartedAt).length >= 2,
      60_000,
    );
    assertOneRunPerTick(all);
    const before = all.filter((r) => Date.parse(r.created_at) < stoppedAt);
    const fresh = all.filter((r) => Date.parse(r.created_at) >= restartedAt);
    assert.equal(before.length + fresh.length, all.length, 'no run was created while the deployment was down');
    const lastBefore = Math.max(...before.map((r) => Date.parse(r.scheduled_for!)));
    const missed = fresh.filter((r) => Date.parse(r.scheduled_for!) < restartedAt);
    assert.equal(
      missed.length,
      1,
      `one catch-up run for the missed ticks, got: ${missed.map((r) => r.scheduled_for).join(', ')}`,
    );
    const catchUp = Date.parse(missed[0].scheduled_for!);
    assert.ok(
      catchUp > lastBefore && catchUp <= stoppedAt + TICK_MS,
      `the catch-up run is the tick that was due at the stop (${missed[0].scheduled_for})`,
    );
    const missedTicks = Math.floor((restartedAt - catchUp) / TICK_MS) + 1;
    assert.ok(missedTicks >= 3, `${missedTicks} ticks were missed`);
    await waitForState(
      runs,
      (rs) => rs.filter((r) => fresh.some((f) => f.id === r.id)).every((r) => r.status === 'completed'),
      30_000,
    );
  });
});
