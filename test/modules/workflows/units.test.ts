import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runIssues, saveIssues } from '../../../src/modules/workflows/checks.js';
import { evaluate, referencedNodes, render, type Scope } from '../../../src/modules/workflows/expressions.js';
import type { WorkflowEdge, WorkflowNode } from '../../../src/modules/workflows/graph.js';
import { backoffBefore, policyOf, runnableType } from '../../../src/modules/workflows/node-kinds.js';
import { chooseBranches, type NodeState, nextActions, planOf } from '../../../src/modules/workflows/run/plan.js';

const scope = (nodes: Record<string, unknown> = {}, input: unknown = {}): Scope => ({
  input,
  nodes,
  workflow: { id: 'wfl_1', name: 'W' },
  run: { id: 'wfr_1', trigger: 'manual' },
});
const n = (id: string, type: string, config: Record<string, unknown> = {}): WorkflowNode => ({ id, type, config });
const e = (source: string, target: string, extra: Record<string, unknown> = {}): WorkflowEdge => ({
  source,
  target,
  ...extra,
});

describe('workflow expressions (JSONata)', () => {
  it('render keeps a whole template typed and splices mixed text', async () => {
    const s = scope({ a: { n: 3, tags: ['x'] } }, { who: 'Ada' });
    assert.equal(await render('{{ nodes.a.n * 2 }}', s), 6);
    assert.equal(await render('Hi {{input.who}}, {{nodes.a.tags}}', s), 'Hi Ada, ["x"]');
    assert.deepEqual(await render({ list: ['{{nodes.a.n}}', 'plain'] }, s), { list: [3, 'plain'] });
    assert.equal(await render('{{ nodes.missing }}!', s), '!');
  });

  it('finds the nodes an expression reads, backticked ids included', () => {
    assert.deepEqual(referencedNodes('nodes.`fetch-mail`.count + nodes.score.value').sort(), ['fetch-mail', 'score']);
    assert.deepEqual(referencedNodes('$count(nodes.items.rows[price > 3])'), ['items']);
    assert.deepEqual(referencedNodes('input.nodes.x'), []);
  });

  it('bounds runaway evaluation and reports errors as messages', async () => {
    await assert.rejects(
      evaluate('(function($f){$f($f)})(function($f){$f($f)})', scope()),
      /D1012|U1001|timeout|stack/i,
    );
    await assert.rejects(evaluate('[1..10000000]', scope()), /D2014|D2015|sequence/i);
    // $eval evaluates JSONata, not JavaScript: the host's globals are out of reach.
    assert.equal(await evaluate('$eval("1+1")', scope()), 2);
    assert.equal(await evaluate('$eval("process")', scope()), undefined);
    await assert.rejects(evaluate('$eval("require(\'fs\')")', scope()), /T1006|not a function|function/i);
    await assert.rejects(evaluate('nodes.(', scope()), /at character/);
  });
});

describe('workflow plan', () => {
  const nodes = [
    n('t', 'trigger'),
    n('c', 'condition', { expression: 'input.x' }),
    n('yes', 'transform', { expression: '1' }),
    n('no', 'transform', { expression: '2' }),
    n('join', 'output'),
  ];
  const edges = [
    e('t', 'c'),
    e('c', 'yes', { when: true }),
    e('c', 'no', { when: 'false' }),
    e('yes', 'join'),
    e('no', 'join'),
  ];

  it('numbers nodes by topological order, stable whatever the stored order of edges', () => {
    const p = planOf(nodes, [...edges].reverse());
    assert.deepEqual(
      p.order.map((x) => x.id),
      ['t', 'c', 'yes', 'no', 'join'],
    );
    assert.equal(p.stepNo.get('join'), 5);
  });

  it('skips the branch not taken and joins on the live one', () => {
    const p = planOf(nodes, edges);
    const state = new Map<string, NodeState>([
      ['t', 'completed'],
      ['c', 'completed'],
    ]);
    const branches = new Map([['c', chooseBranches(true, p.outgoing.get('c')!)]]);
    const first = nextActions(p, state, branches);
    assert.deepEqual([first.run.map((x) => x.id), first.skip.map((x) => x.id)], [['yes'], ['no']]);
    state.set('yes', 'completed').set('no', 'skipped');
    assert.deepEqual(
      nextActions(p, state, branches).run.map((x) => x.id),
      ['join'],
    );
  });

  it('chooses branches by value, with yes/no aliases and a default', () => {
    const out = [
      e('c', 'a', { when: 'gold' }),
      e('c', 'b', { sourceHandle: 'default' }),
      e('c', 'd', { label: 'yes' }),
    ];
    assert.deepEqual([...chooseBranches('Gold', out)], ['gold']);
    assert.deepEqual([...chooseBranches('silver', out)], ['default']);
    assert.deepEqual([...chooseBranches(true, out)], ['yes']);
  });
});

describe('workflow checks', () => {
  it('refuses on save an expression reading a node that is not upstream, naming node and field', () => {
    const issues = saveIssues(
      [n('t', 'trigger'), n('a', 'transform', { expression: 'nodes.b.x' }), n('b', 'transform', { expression: '1' })],
      [e('t', 'a'), e('a', 'b')],
    );
    assert.equal(issues.length, 1);
    assert.deepEqual([issues[0].node_id, issues[0].field], ['a', 'nodes[1].config.expression']);
    assert.match(issues[0].message, /does not run before it/);
  });

  it('refuses to run unmappable steps, missing settings, bad crons and unlabelled condition edges', () => {
    const issues = runIssues(
      [
        n('t', 'trigger', { cron: '61 * * * *' }),
        n('s', 'step', { step_type: 'teleport' }),
        n('h', 'http'),
        n('c', 'condition', { expression: 'true' }),
        n('z', 'trigger', { cron: '0 9 * * *', timezone: 'Mars/Olympus' }),
      ],
      [e('t', 's'), e('s', 'h'), e('h', 'c'), e('c', 'z')],
    );
    const byNode = Object.fromEntries(issues.map((i) => [i.node_id, i.message]));
    assert.match(byNode.t, /cron '61 \* \* \* \*' is not valid/);
    assert.match(byNode.s, /step_type 'teleport'/);
    assert.match(byNode.h, /needs config.url/);
    assert.match(byNode.c, /without a branch/);
    assert.match(byNode.z, /unknown time zone/);
  });

  it('maps template step types and reads retry policies within bounds', () => {
    assert.deepEqual(runnableType(n('x', 'step', { step_type: 'LLM' })), { type: 'agent' });
    assert.deepEqual(runnableType(n('x', 'step', { step_type: 'api_call' })), { type: 'http' });
    const p = policyOf(n('x', 'http', { retry: { attempts: 99, backoff_ms: 100, factor: 3 }, timeout_ms: -5 }), 'http');
    assert.deepEqual([p.attempts, p.timeoutMs, backoffBefore(p, 2), backoffBefore(p, 3)], [10, 1, 100, 300]);
  });
});
