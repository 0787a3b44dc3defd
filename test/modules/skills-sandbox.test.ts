import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInSandbox } from '../../src/modules/skills/sandbox/index.js';

describe('QuickJS sandbox', () => {
  it('runs a function skill', async () => {
    const r = await runInSandbox('function execute(input) { return { sum: input.a + input.b }; }', { a: 2, b: 3 });
    assert.deepEqual(r.ok && r.output, { sum: 5 });
  });

  const escapes: Array<[string, string, RegExp]> = [
    ['process', 'function execute() { return process.env; }', /'?process'? is not defined/],
    [
      'require',
      'function execute() { return require("fs").readFileSync("/etc/passwd", "utf8"); }',
      /'?require'? is not defined/,
    ],
    ['fetch', 'function execute() { return fetch("http://127.0.0.1"); }', /'?fetch'? is not defined/],
    [
      'constructor trick',
      'function execute() { return this.constructor.constructor("return process")().env; }',
      /'?process'? is not defined/,
    ],
    [
      'globalThis probe',
      'function execute() { return typeof globalThis.process + typeof globalThis.require + typeof globalThis.global; }',
      /^$/,
    ],
    ['infinite loop', 'function execute() { for (;;) {} }', /interrupted|time limit/i],
    // On a busy machine the deadline may come first.
    ['memory bomb', 'function execute() { let s = "x"; for (;;) s += s; }', /out of memory|time limit/i],
    [
      'allocation storm',
      'function execute() { const a = []; for (;;) a.push({ x: [1, 2, 3] }); }',
      /out of memory|interrupted|time limit/i,
    ],
    [
      'deep recursion',
      'function execute() { const f = (n) => f(n + 1) + 1; return f(0); }',
      /stack overflow|too much recursion/i,
    ],
  ];
  for (const [name, code, expected] of escapes) {
    it(`contains ${name}`, async () => {
      const r = await runInSandbox(code, {}, {}, { timeoutMs: 500 });
      if (name === 'globalThis probe') {
        assert.deepEqual(r.ok && r.output, 'undefinedundefinedundefined');
        return;
      }
      assert.equal(r.ok, false, JSON.stringify(r));
      assert.match((r as { error: string }).error, expected);
    });
  }

  it('shares nothing between runs on the same pooled workers', async () => {
    const leak = 'function execute() { globalThis.stolen = "secret"; Object.prototype.poisoned = 1; return 1; }';
    const probe = 'function execute() { return [typeof globalThis.stolen, typeof ({}).poisoned]; }';
    for (let i = 0; i < 3; i++) {
      await runInSandbox(leak, {});
      const r = await runInSandbox(probe, {});
      assert.deepEqual(r.ok && r.output, ['undefined', 'undefined'], JSON.stringify(r));
    }
  });

  it('keeps serving after breaches, and runs many skills at once', async () => {
    await runInSandbox('function execute() { for (;;) {} }', {}, {}, { timeoutMs: 200 });
    await runInSandbox('function execute() { let s = "x"; for (;;) s += s; }', {});
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => runInSandbox('function execute(i) { return i.n * 2; }', { n: i })),
    );
    assert.deepEqual(
      runs.map((r) => r.ok && r.output),
      Array.from({ length: 40 }, (_, i) => i * 2),
    );
  });
});
