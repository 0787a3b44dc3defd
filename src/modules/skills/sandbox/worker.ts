import { parentPort, workerData } from 'node:worker_threads';
import { getQuickJS, shouldInterruptAfterDeadline } from 'quickjs-emscripten';

/**
 * Runs one `function` skill inside QuickJS (a separate JS engine compiled to WASM): no Node globals,
 * no require, no process, no network. The runtime has its own memory cap, stack cap and deadline.
 */
export interface SandboxJob { code: string; input: unknown; env: Record<string, string>; timeoutMs: number; memoryBytes: number; stackBytes: number }

async function run(job: SandboxJob): Promise<{ ok: true; output: unknown } | { ok: false; error: string }> {
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(job.memoryBytes);
  runtime.setMaxStackSize(job.stackBytes);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + job.timeoutMs));
  const vm = runtime.newContext();
  try {
    // The tenant's environment variables for this skill arrive as a frozen second argument.
    const literal = (v: unknown) => `JSON.parse(${JSON.stringify(JSON.stringify(v))})`;
    const program = `${job.code}\n;JSON.stringify({ v: execute(${literal(job.input ?? null)}, Object.freeze(${literal(job.env ?? {})})) })`;
    const result = vm.evalCode(program, 'skill.js');
    if (result.error) {
      const err = vm.dump(result.error);
      result.error.dispose();
      return { ok: false, error: typeof err === 'object' && err ? `${err.name ?? 'Error'}: ${err.message ?? ''}` : String(err) };
    }
    const text = vm.getString(result.value);
    result.value.dispose();
    return { ok: true, output: JSON.parse(text).v ?? null };
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

run(workerData as SandboxJob).then(
  (r) => parentPort!.postMessage(r),
  (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
);
