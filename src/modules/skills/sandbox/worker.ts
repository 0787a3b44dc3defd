import { parentPort } from 'node:worker_threads';
import { getQuickJS } from 'quickjs-emscripten';

/**
 * Runs `function` skills inside QuickJS (a separate JS engine compiled to WASM): no Node globals,
 * no require, no process, no network. Every run gets a new QuickJS runtime and context with its own
 * memory cap, stack cap and deadline, disposed when the run ends, so runs share nothing; the worker
 * thread itself is kept for the next run (the pool in index.ts replaces it after any breach).
 */
export interface SandboxJob {
  code: string;
  input: unknown;
  env: Record<string, unknown>;
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
  outputMaxBytes: number;
}
type Failure = { ok: false; error: string; breach: boolean; code?: 'SKILL_TIMEOUT' | 'SKILL_OUTPUT_TOO_LARGE' };
export type WorkerReply = { id: number; ok: true; output: unknown } | ({ id: number } & Failure);

const QuickJS = await getQuickJS();
const BREACH = /interrupted|out of memory|stack overflow|too much recursion/i;

function run(job: SandboxJob): { ok: true; output: unknown } | Failure {
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(job.memoryBytes);
  runtime.setMaxStackSize(job.stackBytes);
  const deadline = Date.now() + job.timeoutMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  const vm = runtime.newContext();
  try {
    // The tenant's environment variables for this skill (and, for skills that declare integrations,
    // `integrations`) arrive as a second argument, frozen all the way down.
    const literal = (v: unknown) => `JSON.parse(${JSON.stringify(JSON.stringify(v))})`;
    const freeze =
      '(function deepFreeze(o) { if (o && typeof o === "object") { Object.freeze(o); for (const k of ' +
      'Object.keys(o)) deepFreeze(o[k]); } return o; })';
    const program =
      `${job.code}\n;JSON.stringify({ v: ` +
      `execute(${literal(job.input ?? null)}, ${freeze}(${literal(job.env ?? {})})) })`;
    const result = vm.evalCode(program, 'skill.js');
    if (result.error) {
      const err = vm.dump(result.error);
      result.error.dispose();
      const error = typeof err === 'object' && err ? `${err.name ?? 'Error'}: ${err.message ?? ''}` : String(err);
      return {
        ok: false,
        error,
        breach: BREACH.test(error),
        ...(/interrupted/i.test(error) ? { code: 'SKILL_TIMEOUT' as const } : {}),
      };
    }
    const text = vm.getString(result.value);
    result.value.dispose();
    // The output as JSON is `{"v":…}` less its 6 wrapping bytes; a bigger one never leaves the worker.
    const bytes = Buffer.byteLength(text) - 6;
    if (bytes > job.outputMaxBytes) {
      return {
        ok: false,
        error: `Skill output is ${bytes} bytes of JSON; the limit is ${job.outputMaxBytes}`,
        breach: false,
        code: 'SKILL_OUTPUT_TOO_LARGE',
      };
    }
    return { ok: true, output: JSON.parse(text).v ?? null };
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

parentPort!.on('message', ({ id, job }: { id: number; job: SandboxJob }) => {
  let reply: WorkerReply;
  try {
    reply = { id, ...run(job) };
  } catch (e) {
    reply = { id, ok: false, error: e instanceof Error ? e.message : String(e), breach: true };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
