import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitForState } from '../../helpers/agent-work.js';
import { startApp } from '../../helpers/app.js';
import { call, expectError, makeTenant, type Res, type TestTenant } from '../../helpers/http.js';
import { startHeldReceiver, waitUntil } from '../../helpers/receiver.js';
import { openStream } from '../../helpers/sse.js';

/**
 * The workflow-run API around the engine: references checked on save, runnability on run and
 * activation, the live stream, the runs list, and who may do what (the shared authorisation suite,
 * test/platform/routes.test.ts, walks every route with made-up ids; here the same on real objects,
 * across tenants, and hostile input).
 */
let built: Awaited<ReturnType<typeof startApp>>;
let base: string;
let a: TestTenant;
before(async () => {
  built = await startApp({ allowInsecureWebhooks: true });
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}`;
  a = await makeTenant(built.app, 'team');
  await makeTenant(built.app, 'team'); // a second tenant in the database, as in production
});
after(() => built.close());

type Run = { id: string; status: string; output: any; error: any; nodes: any[] };
const FINAL = ['completed', 'failed', 'cancelled'];
const chain = (ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));
const save = (nodes: unknown[], edges: unknown[], key = a.key) =>
  call(built.app, 'POST', '/api/workflows', { key, body: { name: 'wf', nodes, edges } });
const createWorkflow = async (nodes: unknown[], edges: unknown[]) => {
  const res = await save(nodes, edges);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.workflow.id as string;
};
const getRun = async (id: string): Promise<Run> =>
  (await call(built.app, 'GET', `/api/workflow-runs/${id}`, { key: a.key })).body.run;
const runToEnd = async (wf: string, input: unknown = {}): Promise<Run> => {
  const res = await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: a.key, body: { input } });
  assert.ok([200, 202].includes(res.status), JSON.stringify(res.body));
  return FINAL.includes(res.body.run.status)
    ? res.body.run
    : waitForState(
        () => getRun(res.body.run.id),
        (r) => FINAL.includes(r.status),
      );
};
const issue = (res: Res, nodeId: string, field: string) => {
  expectError(res, 400, 'VALIDATION_ERROR');
  assert.equal(res.body.error.details.node_id, nodeId, JSON.stringify(res.body));
  assert.equal(res.body.error.details.field, field, JSON.stringify(res.body));
};

describe('bad references are caught on save', () => {
  it('an expression reading a node that does not exist, or one downstream: 400 naming node and field', async () => {
    issue(
      await save(
        [
          { id: 'in', type: 'trigger' },
          { id: 'shape', type: 'transform', config: { expression: 'nodes.nope.value' } },
        ],
        chain(['in', 'shape']),
      ),
      'shape',
      'nodes[1].config.expression',
    );
    const downstream = await save(
      [
        { id: 'in', type: 'trigger' },
        { id: 'first', type: 'http', config: { url: 'https://example.com/{{nodes.second}}' } },
        { id: 'second', type: 'transform', config: { expression: 'input' } },
      ],
      chain(['in', 'first', 'second']),
    );
    issue(downstream, 'first', 'nodes[1].config.url');
    assert.match(downstream.body.error.message, /does not run before it/);

    // PUT is checked the same way.
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'ok', type: 'transform', config: { expression: 'input' } },
      ],
      chain(['in', 'ok']),
    );
    issue(
      await call(built.app, 'PUT', `/api/workflows/${wf}`, {
        key: a.key,
        body: {
          nodes: [
            { id: 'in', type: 'trigger' },
            { id: 'ok', type: 'transform', config: { expression: 'nodes.ok.x' } },
          ],
        },
      }),
      'ok',
      'nodes[1].config.expression',
    );
  });

  it('a JSONata syntax error: 400', async () => {
    const res = await save(
      [
        { id: 'in', type: 'trigger' },
        { id: 'bad', type: 'condition', config: { expression: 'input.a = (' } },
      ],
      chain(['in', 'bad']),
    );
    issue(res, 'bad', 'nodes[1].config.expression');
    assert.match(res.body.error.message, /not a valid expression/);
  });

  it('an unmappable step_type saves, but run and activate are refused naming the step', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'beam', type: 'step', config: { step_type: 'teleport' } },
      ],
      chain(['in', 'beam']),
    );
    for (const path of ['run', 'activate']) {
      const res = await call(built.app, 'POST', `/api/workflows/${wf}/${path}`, { key: a.key, body: {} });
      issue(res, 'beam', 'nodes[1].config.step_type');
      assert.match(res.body.error.message, /step 'beam' has step_type 'teleport'/);
    }
    const runs = await call(built.app, 'GET', `/api/workflows/${wf}/runs`, { key: a.key });
    assert.equal(runs.body.total, 0, 'no run was created');
  });

  it("a template workflow's run input is checked against its input_schema", async () => {
    const tpl = await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
      key: a.key,
      body: {
        name: 'Doubler',
        description: 'Doubles n',
        category: 'Custom',
        input_schema: [
          { name: 'n', type: 'integer', required: true, min: 0 },
          { name: 'label', type: 'text', default: 'x' },
        ],
        steps: [
          {
            step_id: 'double',
            name: 'Double',
            step_type: 'map',
            config: { expression: '{"label": input.label, "n": input.n * 2}' },
          },
          { step_id: 'done', name: 'Done', step_type: 'result' },
        ],
      },
    });
    assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
    const made = await call(built.app, 'POST', `/api/marketplace/templates/${tpl.body.id}/create-workflow`, {
      key: a.key,
      body: { workflow_name: 'Doubling', parameters: { n: 1 } },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const wf = made.body.workflow_definition.workflow_id;
    const bad = await call(built.app, 'POST', `/api/workflows/${wf}/run`, {
      key: a.key,
      body: { input: { n: 'ten', extra: true } },
    });
    expectError(bad, 400, 'INPUT_VALIDATION_FAILED');
    assert.deepEqual(bad.body.error.details.errors.map((e: { field: string }) => e.field).sort(), ['extra', 'n']);
    const r = await runToEnd(wf, { n: 21 });
    assert.equal(r.status, 'completed', JSON.stringify(r));
    assert.deepEqual(r.output, { label: 'x', n: 42 });
  });
});

describe('live stream and runs list', () => {
  it('streams node events then done with the whole run; Last-Event-ID resumes after n', async () => {
    const gate = await startHeldReceiver({ status: 200, body: { fine: true } });
    try {
      const wf = await createWorkflow(
        [
          { id: 'in', type: 'trigger' },
          { id: 'call', type: 'http', config: { method: 'POST', url: gate.url, body: {} } },
          { id: 'out', type: 'output', config: { expression: 'nodes.call.body' } },
        ],
        chain(['in', 'call', 'out']),
      );
      const started = await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: a.key, body: { async: true } });
      assert.equal(started.status, 202);
      const id = started.body.run.id;
      const stream = await openStream(`${base}/api/workflow-runs/${id}/stream`, { 'x-api-key': a.key });
      assert.deepEqual([stream.status, stream.contentType], [200, 'text/event-stream; charset=utf-8']);
      await waitUntil(() =>
        stream.events.some((e) => e.event === 'node' && e.data.node_id === 'call' && e.data.state === 'running'),
      );
      assert.equal(
        stream.events.some((e) => e.event === 'done'),
        false,
        'the run is still going',
      );
      gate.release();
      await waitUntil(() => stream.events.some((e) => e.event === 'done'));
      const ids = stream.events.map((e) => Number(e.id));
      assert.deepEqual(
        ids,
        ids.map((_x, i) => i + 1),
        'numbered from 1, none missing',
      );
      const done = stream.events.at(-1)!;
      assert.equal(done.event, 'done');
      assert.equal(done.data.id, id);
      assert.equal(done.data.status, 'completed');
      assert.deepEqual(done.data.output, { fine: true });
      assert.deepEqual(
        done.data.nodes.map((n: { state: string }) => n.state),
        ['completed', 'completed', 'completed'],
      );
      const finished = stream.events
        .filter((e) => e.event === 'node' && e.data.state === 'completed')
        .map((e) => e.data.node_id);
      assert.deepEqual(finished, ['in', 'call', 'out']);
      await stream.close();

      const again = await openStream(`${base}/api/workflow-runs/${id}/stream`, {
        'x-api-key': a.key,
        'last-event-id': '3',
      });
      await waitUntil(() => again.events.some((e) => e.event === 'done'));
      assert.deepEqual(
        again.events.map((e) => e.id),
        stream.events.slice(3).map((e) => e.id),
      );
      await again.close();
      const byQuery = await openStream(`${base}/api/workflow-runs/${id}/stream?last_event_id=${ids.length - 1}`, {
        'x-api-key': a.key,
      });
      await waitUntil(() => byQuery.events.some((e) => e.event === 'done'));
      assert.deepEqual(
        byQuery.events.map((e) => e.event),
        ['done'],
      );
      await byQuery.close();
    } finally {
      gate.release();
      await gate.close();
    }
  });

  it('pages the runs newest first and filters them by status', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'check', type: 'transform', config: { expression: 'input.fail ? $error("asked to fail") : "fine"' } },
      ],
      chain(['in', 'check']),
    );
    const made: Run[] = [];
    for (const fail of [false, true, false, true, false]) made.push(await runToEnd(wf, { fail }));
    assert.deepEqual(
      made.map((r) => r.status),
      ['completed', 'failed', 'completed', 'failed', 'completed'],
    );
    assert.equal(made[1].error.node_id, 'check');
    const page = (q: string) => call(built.app, 'GET', `/api/workflows/${wf}/runs?${q}`, { key: a.key });
    const first = (await page('limit=2')).body;
    assert.deepEqual([first.total, first.runs.length, first.has_more, first.limit, first.offset], [5, 2, true, 2, 0]);
    assert.deepEqual(
      first.runs.map((r: Run) => r.id),
      [made[4].id, made[3].id],
    );
    const last = (await page('limit=2&offset=4')).body;
    assert.deepEqual([last.runs.length, last.has_more, last.runs[0].id], [1, false, made[0].id]);
    const failed = (await page('status=failed')).body;
    assert.deepEqual([failed.total, failed.runs.map((r: Run) => r.id)], [2, [made[3].id, made[1].id]]);
    expectError(await page('status=exploded'), 400, 'VALIDATION_ERROR');
  });
});
