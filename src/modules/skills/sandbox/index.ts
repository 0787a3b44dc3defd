import { Worker } from 'node:worker_threads';
import type { SandboxJob } from './worker.js';

export const SANDBOX_LIMITS = { timeoutMs: 2_000, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024 };

export type SandboxResult = { ok: true; output: unknown; duration_ms: number } | { ok: false; error: string; duration_ms: number };

/**
 * Executes JavaScript skill code in QuickJS inside a worker thread. The worker is terminated on a
 * wall-clock deadline (a second line of defence behind QuickJS's interrupt handler) and has its own
 * V8 heap cap, so a runaway skill can never block or exhaust the server.
 */
export function runInSandbox(code: string, input: unknown, env: Record<string, string> = {}, limits: Partial<typeof SANDBOX_LIMITS> = {}): Promise<SandboxResult> {
  const job: SandboxJob = { code, input, env, ...SANDBOX_LIMITS, ...limits };
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    let settled = false;
    const finish = (r: SandboxResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `Execution exceeded ${job.timeoutMs} ms`, duration_ms: elapsed() }), job.timeoutMs + 3_000);
    worker.once('message', (m: { ok: boolean; output?: unknown; error?: string }) => finish(m.ok ? { ok: true, output: m.output, duration_ms: elapsed() } : { ok: false, error: m.error ?? 'failed', duration_ms: elapsed() }));
    worker.once('error', (e) => finish({ ok: false, error: e.message, duration_ms: elapsed() }));
    worker.once('exit', (c) => finish({ ok: false, error: `Sandbox exited (${c})`, duration_ms: elapsed() }));
  });
}
