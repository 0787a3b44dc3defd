import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitForState } from '../../helpers/agent-work.js';
import { startApp } from '../../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../../helpers/http.js';
import { startReceiver } from '../../helpers/receiver.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp({ allowInsecureWebhooks: true });
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

const create = async (t: TestTenant, nodes: unknown[], edges: unknown[], name = 'wf') => {
  const res = await call(built.app, 'POST', '/api/workflows', { key: t.key, body: { name, nodes, edges } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.workflow.id as string;
};
const run = (t: TestTenant, id: string, input: unknown = {}) =>
  call(built.app, 'POST', `/api/workflows/${id}/run`, { key: t.key, body: { input } });
const getRun = (t: TestTenant, id: string) => call(built.app, 'GET', `/api/workflow-runs/${id}`, { key: t.key });
const finished = (t: TestTenant, id: string) =>
  waitForState(
    () => getRun(t, id),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.body.run?.status),
  ).then((r) => r.body.run);

describe('workflow engine', () => {
  it('runs trigger → transform → condition → one branch → output, skipping the other branch', async () => {
    const id = await create(
      a,
      [
        { id: 'start', type: 'trigger' },
        {
          id: 'shape',
          type: 'transform',
          config: { expression: '{"name": $uppercase(input.name), "n": input.n * 2}' },
        },
        { id: 'big', type: 'condition', config: { expression: 'nodes.shape.n > 10' } },
        { id: 'yes', type: 'transform', config: { expression: '"big " & nodes.shape.name' } },
        { id: 'no', type: 'transform', config: { expression: '"small " & nodes.shape.name' } },
        {
          id: 'out',
          type: 'output',
          config: { value: { verdict: '{{ nodes.yes ? nodes.yes : nodes.no }}', doubled: '{{nodes.shape.n}}' } },
        },
      ],
      [
        { source: 'start', target: 'shape' },
        { source: 'shape', target: 'big' },
        { source: 'big', target: 'yes', when: true },
        { source: 'big', target: 'no', when: false },
        { source: 'yes', target: 'out' },
        { source: 'no', target: 'out' },
      ],
    );
    const res = await run(a, id, { name: 'ada', n: 7 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.run;
    assert.equal(r.status, 'completed', JSON.stringify(r));
    assert.deepEqual(r.output, { verdict: 'big ADA', doubled: 14 });
    const states = Object.fromEntries(r.nodes.map((n: any) => [n.node_id, n.state]));
    assert.deepEqual(states, {
      start: 'completed',
      shape: 'completed',
      big: 'completed',
      yes: 'completed',
      no: 'skipped',
      out: 'completed',
    });
    assert.deepEqual(r.nodes.find((n: any) => n.node_id === 'big').output, { value: true, branches: ['true'] });
  });

  it('retries an http node with backoff, then fails the run naming the node', async () => {
    const receiver = await startReceiver((_r, n) => ({ status: n < 3 ? 503 : 200 }));
    const id = await create(
      a,
      [
        { id: 't', type: 'trigger' },
        {
          id: 'call',
          type: 'http',
          config: {
            method: 'POST',
            url: receiver.url,
            body: { hello: '{{input.who}}' },
            retry: { attempts: 3, backoff_ms: 10 },
          },
        },
      ],
      [{ source: 't', target: 'call' }],
    );
    const r = (await run(a, id, { who: 'x' })).body.run;
    const done = r.status === 'completed' ? r : await finished(a, r.id);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.nodes[1].attempts, 3);
    assert.equal(receiver.received.length, 3);
    assert.deepEqual(JSON.parse(receiver.received[0].body), { hello: 'x' });
    assert.equal(
      receiver.received[0].headers['idempotency-key'] === receiver.received[1].headers['idempotency-key'],
      false,
    );
    await receiver.close();
  });

  it("runs the README's Greeter example as documented", async () => {
    const id = await create(
      a,
      [
        { id: 'start', type: 'trigger', config: { cron: '0 9 * * *', timezone: 'Europe/Paris' } },
        { id: 'shape', type: 'transform', config: { expression: '{"greeting": "Hello " & input.name}' } },
        { id: 'loud', type: 'condition', config: { expression: '$length(input.name) > 3' } },
        { id: 'shout', type: 'transform', config: { expression: '$uppercase(nodes.shape.greeting)' } },
        {
          id: 'out',
          type: 'output',
          config: { value: { message: '{{ nodes.shout ? nodes.shout : nodes.shape.greeting }}' } },
        },
      ],
      [
        { source: 'start', target: 'shape' },
        { source: 'shape', target: 'loud' },
        { source: 'loud', target: 'shout', when: true },
        { source: 'loud', target: 'out', when: false },
        { source: 'shout', target: 'out' },
      ],
      'Greeter',
    );
    assert.deepEqual((await run(a, id, { name: 'Ada' })).body.run.output, { message: 'Hello Ada' });
    assert.deepEqual((await run(a, id, { name: 'Grace' })).body.run.output, { message: 'HELLO GRACE' });
    assert.equal(
      (await getRun(b, (await run(a, id, { name: 'X' })).body.run.id)).status,
      404,
      "another tenant's run is not found",
    );
  });
});
