import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { injectSend, skillRunsToday, waitForState } from '../../helpers/agent-work.js';
import { startApp } from '../../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../../helpers/http.js';
import { startHeldReceiver, waitUntil } from '../../helpers/receiver.js';

/**
 * Skill and agent nodes on real components (function skills in the sandbox, the embedded planner,
 * the governance approvals queue), cancellation and node deadlines, through the HTTP API.
 */
let built: Awaited<ReturnType<typeof startApp>>;
let t: TestTenant;
let held: Awaited<ReturnType<typeof startHeldReceiver>>;
before(async () => {
  built = await startApp({ allowInsecureWebhooks: true });
  t = await makeTenant(built.app, 'team');
  held = await startHeldReceiver();
});
after(async () => {
  held.release();
  await held.close();
  await built.close();
});

type Run = {
  id: string;
  status: string;
  output: any;
  error: { node_id: string | null; message: string } | null;
  nodes: any[];
};
const FINAL = ['completed', 'failed', 'cancelled'];

const createWorkflow = async (nodes: unknown[], edges: unknown[], name = 'wf') => {
  const res = await call(built.app, 'POST', '/api/workflows', { key: t.key, body: { name, nodes, edges } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.workflow.id as string;
};
const chain = (ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i], target: id }));
const getRun = async (id: string): Promise<Run> =>
  (await call(built.app, 'GET', `/api/workflow-runs/${id}`, { key: t.key })).body.run;
const until = (id: string, pred: (r: Run) => boolean) => waitForState(() => getRun(id), pred);
const startRun = async (wf: string, input: unknown = {}): Promise<Run> => {
  const res = await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: t.key, body: { input } });
  assert.ok([200, 202].includes(res.status), JSON.stringify(res.body));
  return res.body.run;
};
const runToEnd = async (wf: string, input: unknown = {}) => {
  const r = await startRun(wf, input);
  return FINAL.includes(r.status) ? r : until(r.id, (x) => FINAL.includes(x.status));
};
const node = (r: Run, id: string) => r.nodes.find((n) => n.node_id === id);

async function createSkill(body: Record<string, unknown>) {
  const res = await call(built.app, 'POST', '/api/v1/skills/private', {
    key: t.key,
    body: { skill_type: 'function', ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.skill_id as string;
}
const agentOf = async (name: string, maturity_level: string) =>
  (
    await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name, role: 'general-assistant', maturity_level },
    })
  ).body.data.agent.id as string;

describe('skill nodes', () => {
  let shout: string;
  before(async () => {
    shout = await createSkill({
      name: 'Shouter',
      description: 'Shout a text back in capitals',
      action: 'read',
      code: 'function execute(i) { return { loud: i.text.toUpperCase() + "!", words: i.text.split(" ").length }; }',
      input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
  });

  it('runs an installed skill on inputs mapped by templates; its output is the node output; counted once', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'say', type: 'skill', config: { skill_id: shout, inputs: { text: 'hi {{input.text}}' } } },
        { id: 'out', type: 'output', config: { expression: 'nodes.say' } },
      ],
      chain(['in', 'say', 'out']),
    );
    const used = await skillRunsToday(injectSend(built.app), t.key);
    const r = await runToEnd(wf, { text: 'there you' });
    assert.equal(r.status, 'completed', JSON.stringify(r));
    assert.deepEqual(r.output, { loud: 'HI THERE YOU!', words: 3 });
    assert.deepEqual(node(r, 'say').input, { skill: shout, inputs: { text: 'hi there you' } });
    assert.equal(await skillRunsToday(injectSend(built.app), t.key), used + 1, 'skill_executions moved by exactly one');
  });

  it('a skill that is not installed: activation is refused with 400 naming the node', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'ghost', type: 'skill', config: { skill_id: 'skill_mkt_nope', inputs: {} } },
      ],
      chain(['in', 'ghost']),
    );
    const res = await call(built.app, 'POST', `/api/workflows/${wf}/activate`, { key: t.key, body: {} });
    expectError(res, 400, 'VALIDATION_ERROR');
    assert.equal(res.body.error.details.node_id, 'ghost');
    assert.equal(res.body.error.details.field, 'nodes[1].config.skill_id');
    assert.match(res.body.error.message, /ghost/);
  });

  it('a skill that throws fails the run with the node id', async () => {
    const boom = await createSkill({
      name: 'Exploder',
      description: 'Always fails',
      action: 'read',
      code: 'function execute() { throw new Error("kaboom"); }',
    });
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'blow', type: 'skill', config: { skill_id: boom } },
        { id: 'out', type: 'output' },
      ],
      chain(['in', 'blow', 'out']),
    );
    const r = await runToEnd(wf);
    assert.equal(r.status, 'failed');
    assert.equal(r.error?.node_id, 'blow');
    assert.match(r.error!.message, /kaboom/);
    assert.equal(node(r, 'blow').state, 'failed');
    assert.equal(node(r, 'out').state, 'pending', 'nothing after the failed node ran');
  });
});

describe('agent nodes', () => {
  before(async () => {
    await createSkill({
      name: 'Word Counter',
      description: 'Count the words in a text',
      action: 'read',
      tags: ['words', 'count'],
      code: 'function execute(i) { return { words: i.text.trim().split(/\\s+/).length }; }',
      input_schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
    await createSkill({
      name: 'Ticket Creator',
      description: 'Create a support ticket',
      action: 'create',
      tags: ['ticket'],
      code: 'function execute(i) { return { ticket: "T-1", title: i.title }; }',
      input_schema: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    });
  });

  it('without a model: the embedded planner runs a task rendered from earlier outputs', async () => {
    const agent = await agentOf('Counter', 'intern');
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'text', type: 'transform', config: { expression: '$join(input.words, " ")' } },
        { id: 'count', type: 'agent', config: { agent_id: agent, task: 'Count the words in: {{nodes.text}}' } },
        {
          id: 'out',
          type: 'output',
          config: { value: { n: '{{nodes.count.result.output.words}}', execution: '{{nodes.count.execution_id}}' } },
        },
      ],
      chain(['in', 'text', 'count', 'out']),
    );
    const r = await runToEnd(wf, { words: ['one', 'small', 'step', 'today'] });
    assert.equal(r.status, 'completed', JSON.stringify(r));
    const out = node(r, 'count').output;
    assert.match(out.execution_id, /^exe_/);
    assert.equal(out.result.skill, 'Word Counter');
    assert.deepEqual(out.result.output, { words: 4 });
    assert.deepEqual(r.output, { n: 4, execution: out.execution_id });
    assert.equal(node(r, 'count').execution_id, out.execution_id);
    const e = await call(built.app, 'GET', `/api/agents/${agent}/executions/${out.execution_id}`, { key: t.key });
    assert.equal(e.status, 200, JSON.stringify(e.body));
    assert.equal(e.body.data.status, 'completed');
    assert.equal(e.body.data.task, 'Count the words in: one small step today');
  });

  const parked = async (agent: string, title: string) => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'file', type: 'agent', config: { agent: 'Filer', task: 'Create a support ticket: {{input.title}}' } },
        { id: 'out', type: 'output', config: { expression: 'nodes.file.result.output' } },
      ],
      chain(['in', 'file', 'out']),
    );
    const r = await startRun(wf, { title });
    const waiting = await until(r.id, (x) => x.status === 'awaiting_approval' || FINAL.includes(x.status));
    assert.equal(waiting.status, 'awaiting_approval', JSON.stringify(waiting));
    const n = node(waiting, 'file');
    assert.equal(n.state, 'awaiting_approval');
    assert.match(n.approval_id, /./);
    const e = (await call(built.app, 'GET', `/api/agents/${agent}/executions/${n.execution_id}`, { key: t.key })).body
      .data;
    assert.equal(e.awaiting_approval, n.approval_id, "the node waits on its execution's approval");
    return { run: waiting, approval: n.approval_id as string, execution: n.execution_id as string };
  };
  const executionsOf = async (agent: string) =>
    (await call(built.app, 'GET', `/api/agents/${agent}/executions?limit=100`, { key: t.key })).body.data
      .executions as { execution_id: string }[];

  it('an approval parks the run; approving through the API completes it, the execution ran once', async () => {
    const agent = await agentOf('Filer', 'supervised');
    const { run, approval, execution } = await parked(agent, 'Printer on fire');
    const ok = await call(built.app, 'POST', `/api/governance/approvals/${approval}/approve`, {
      key: t.key,
      body: { note: 'go' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const done = await until(run.id, (x) => FINAL.includes(x.status));
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual(done.output, { ticket: 'T-1', title: 'Printer on fire' });
    assert.equal(node(done, 'file').state, 'completed');
    assert.equal(node(done, 'file').execution_id, execution);
    const list = await executionsOf(agent);
    assert.deepEqual(
      list.map((e) => e.execution_id),
      [execution],
      'one execution: the resumed node found it',
    );
    const e = (await call(built.app, 'GET', `/api/agents/${agent}/executions/${execution}`, { key: t.key })).body.data;
    assert.equal(e.human_interventions, 1);

    // The rejection of the next one fails the run naming the node.
    const second = await parked(agent, 'Coffee machine');
    const no = await call(built.app, 'POST', `/api/governance/approvals/${second.approval}/reject`, {
      key: t.key,
      body: { note: 'not now' },
    });
    assert.equal(no.status, 200, JSON.stringify(no.body));
    const failed = await until(second.run.id, (x) => FINAL.includes(x.status));
    assert.equal(failed.status, 'failed', JSON.stringify(failed));
    assert.equal(failed.error?.node_id, 'file');
    assert.match(failed.error!.message, /not now/);
    assert.equal(node(failed, 'file').state, 'failed');
    assert.equal((await executionsOf(agent)).length, 2);

    // Cancelling a run that waits on a human cancels its execution: the approval leaves the queue.
    const third = await parked(agent, 'Broken chair');
    const cancelled = await call(built.app, 'POST', `/api/workflow-runs/${third.run.id}/cancel`, { key: t.key });
    assert.equal(cancelled.body.run.status, 'cancelled');
    const e3 = (await call(built.app, 'GET', `/api/agents/${agent}/executions/${third.execution}`, { key: t.key })).body
      .data;
    assert.equal(e3.status, 'cancelled');
    const pending = (await call(built.app, 'GET', '/api/governance/approvals?status=pending', { key: t.key })).body;
    assert.ok(!JSON.stringify(pending).includes(third.approval), 'the approval is no longer pending');
  });
});

describe('cancel and deadlines', () => {
  it('cancels a run whose http node waits on a held receiver; cancelling again is 409', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'wait', type: 'http', config: { method: 'POST', url: held.url, body: { x: 1 } } },
        { id: 'out', type: 'output' },
      ],
      chain(['in', 'wait', 'out']),
    );
    const before = held.received.length;
    const res = await call(built.app, 'POST', `/api/workflows/${wf}/run`, { key: t.key, body: { async: true } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await waitUntil(() => held.received.length > before);
    const cancel = await call(built.app, 'POST', `/api/workflow-runs/${res.body.run.id}/cancel`, { key: t.key });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    const done = await until(res.body.run.id, (x) => FINAL.includes(x.status));
    assert.equal(done.status, 'cancelled');
    assert.equal(node(done, 'wait').state, 'cancelled');
    assert.equal(node(done, 'out').state, 'pending');
    expectError(
      await call(built.app, 'POST', `/api/workflow-runs/${done.id}/cancel`, { key: t.key }),
      409,
      'CONFLICTING_OPERATION',
    );
  });

  it('a node past its timeout_ms fails the run naming the node', async () => {
    const wf = await createWorkflow(
      [
        { id: 'in', type: 'trigger' },
        { id: 'slow', type: 'http', config: { method: 'GET', url: held.url, timeout_ms: 300 } },
      ],
      chain(['in', 'slow']),
    );
    const r = await runToEnd(wf);
    assert.equal(r.status, 'failed', JSON.stringify(r));
    assert.equal(r.error?.node_id, 'slow');
    assert.match(r.error!.message, /'slow' timed out/);
    assert.equal(node(r, 'slow').state, 'failed');
  });
});
