import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../scripts/repo-root.js';
import type { InputField, RunView } from '../../web/src/pages/workflows/types.js';

// The console's sources are typechecked by web/tsconfig.json and resolved as the bundler does
// (imports without extensions), so they are bundled here (esbuild, packages left as imports) into
// one module beside this file, imported at run time: the server's typecheck does not follow them.
const { ApiError, fieldErrors, formInput, initialValues, depths, edgeLabel, positions, COLUMN, ROW, applyNodeEvent } =
  await loadConsole(['api', 'pages/workflows/inputForm', 'pages/workflows/layout', 'pages/workflows/useRunStream']);

async function loadConsole(modules: string[]): Promise<Record<string, any>> {
  const bundle = await build({
    stdin: {
      contents: modules.map((m) => `export * from './${m}';`).join('\n'),
      resolveDir: join(REPO_ROOT, 'web/src'),
      loader: 'ts',
    },
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const file = join(import.meta.dirname, `.console-logic-${process.pid}.mjs`);
  writeFileSync(file, bundle.outputFiles[0]!.text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    unlinkSync(file);
  }
}

/** The console's workflow logic that needs no browser: layout, the input form, stream events. */
describe('workflow console logic', () => {
  const nodes = [
    { id: 't', type: 'trigger' },
    { id: 'c', type: 'condition' },
    { id: 'a', type: 'transform' },
    { id: 'b', type: 'transform' },
    { id: 'o', type: 'output' },
  ];
  const edges = [
    { source: 't', target: 'c' },
    { source: 'c', target: 'a', when: true },
    { source: 'c', target: 'b', sourceHandle: 'no' },
    { source: 'a', target: 'o' },
    { source: 'b', target: 'o' },
    { source: 't', target: 'o' },
  ];

  it('lays nodes out by their longest path from a start, keeping stored positions', () => {
    assert.deepEqual(Object.fromEntries(depths(nodes, edges)), { t: 0, c: 1, a: 2, b: 2, o: 3 });
    const at = positions([...nodes.slice(0, 4), { id: 'o', type: 'output', position: { x: 5, y: 7 } }], edges);
    assert.deepEqual(at.get('a'), { x: 2 * COLUMN, y: 0 });
    assert.deepEqual(at.get('b'), { x: 2 * COLUMN, y: ROW });
    assert.deepEqual(at.get('o'), { x: 5, y: 7 });
  });

  it('labels condition branches from label, when or sourceHandle', () => {
    assert.equal(edgeLabel(edges[1]), 'true');
    assert.equal(edgeLabel(edges[2]), 'no');
    assert.equal(edgeLabel({ source: 'x', target: 'y', label: 'else', when: 'false' }), 'else');
    assert.equal(edgeLabel(edges[0]), undefined);
  });

  it('turns the form into the run input: types converted, empty optional fields left out, bad JSON refused', () => {
    const fields: InputField[] = [
      { name: 'name', type: 'text', required: true },
      { name: 'n', type: 'integer', default: 2 },
      { name: 'on', type: 'boolean' },
      { name: 'pick', type: 'select', options: [1, { value: true, label: 'Yes' }] },
      { name: 'many', type: 'multiselect' },
      { name: 'obj', type: 'object' },
      { name: 'note', type: 'textarea' },
    ];
    const values = { ...initialValues(fields), name: 'Ada', pick: 'true', many: 'a, b', obj: '{"k": 1}' };
    assert.deepEqual(formInput(fields, values), {
      input: { name: 'Ada', n: 2, on: false, pick: true, many: ['a', 'b'], obj: { k: 1 } },
      errors: {},
    });
    assert.deepEqual(formInput(fields, { ...values, obj: '[1]' }).errors, { obj: 'obj must be a JSON object.' });
    assert.deepEqual(formInput(fields, { ...values, obj: '{' }).errors, { obj: 'obj is not valid JSON.' });
  });

  it("puts a 400's messages beside the fields it names", () => {
    const schema = new ApiError(400, 'INPUT_VALIDATION_FAILED', 'bad', {
      errors: [
        { field: 'name', message: "must have required property 'name'" },
        { field: 'n', message: 'must be <= 5' },
      ],
    });
    assert.deepEqual(fieldErrors(schema), { name: "must have required property 'name'", n: 'must be <= 5' });
    assert.deepEqual(fieldErrors(new ApiError(400, 'VALIDATION_ERROR', 'too big', { field: 'input' })), {
      input: 'too big',
    });
    assert.deepEqual(fieldErrors(new ApiError(429, 'WORKFLOW_RUN_LIMIT_EXCEEDED', 'spent', { field: 'x' })), {});
  });

  it('folds a node event into the run and counts what is done', () => {
    const node = (node_id: string, state: string) => ({
      node_id,
      type: 'transform',
      runs_as: 'transform',
      label: node_id,
      state,
      attempts: 0,
      input: null,
      output: null,
      error: null,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      execution_id: null,
      approval_id: null,
    });
    const run = {
      id: 'r',
      status: 'running',
      nodes: [node('a', 'completed'), node('b', 'pending')],
      progress: { done: 1, total: 2 },
    } as unknown as RunView;
    const next: RunView = applyNodeEvent(run, { node_id: 'b', state: 'failed', attempt: 2, error: 'boom' });
    assert.deepEqual(next.nodes[1], { ...node('b', 'failed'), attempts: 2, error: 'boom' });
    assert.deepEqual(next.progress, { done: 2, total: 2 });
    assert.equal(run.nodes[1].state, 'pending', 'the old run is not changed');
    const parked: RunView = applyNodeEvent(next, {
      node_id: 'a',
      state: 'awaiting_approval',
      execution_id: 'exe_1',
      approval_id: 'apr_1',
    });
    assert.equal(parked.nodes[0].approval_id, 'apr_1');
    assert.equal(parked.progress.done, 1);
  });
});
