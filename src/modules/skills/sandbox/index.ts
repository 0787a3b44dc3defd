import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SandboxJob, WorkerReply } from './worker.js';

export const SANDBOX_LIMITS = { timeoutMs: 2_000, memoryBytes: 32 * 1024 * 1024, stackBytes: 256 * 1024 };
/** Worker threads kept warm (each runs one skill at a time); ATOM_SANDBOX_WORKERS overrides. */
const POOL_SIZE = Math.max(1, Number(process.env.ATOM_SANDBOX_WORKERS) || Math.min(4, availableParallelism()));
/** Runs waiting beyond this are refused at once rather than queued for ever. */
const MAX_WAITING = 1_000;
/** A worker is replaced after this many runs, so nothing it may accumulate outlives a bounded window. */
const RUNS_PER_WORKER = 500;

export type SandboxResult = { ok: true; output: unknown; duration_ms: number } | { ok: false; error: string; duration_ms: number };

interface Pending { job: SandboxJob; started: number; resolve: (r: SandboxResult) => void }
interface Slot { worker: Worker; ready: Promise<void>; busy: Pending | null; runs: number; timer?: NodeJS.Timeout; id: number }

const slots: Slot[] = [];
const waiting: Pending[] = [];
let nextId = 0;

function spawn(): Slot {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
  const slot: Slot = { worker, busy: null, runs: 0, id: 0, ready: new Promise((r) => worker.once('message', () => r())) };
  worker.on('message', (m: WorkerReply | { ready: true }) => {
    if (!('id' in m) || m.id !== slot.id || !slot.busy) return;
    const p = settle(slot);
    p.resolve(m.ok ? { ok: true, output: m.output, duration_ms: Date.now() - p.started } : { ok: false, error: m.error, duration_ms: Date.now() - p.started });
    if (!m.ok && m.breach) replace(slot);
    else if (slot.runs >= RUNS_PER_WORKER) replace(slot);
    pump();
  });
  const died = (error: string) => {
    if (!slots.includes(slot)) return;
    if (slot.busy) {
      const p = settle(slot);
      p.resolve({ ok: false, error, duration_ms: Date.now() - p.started });
    }
    replace(slot);
    pump();
  };
  worker.on('error', (e) => died(e.message));
  worker.on('exit', (c) => died(`Sandbox exited (${c})`));
  // An idle pool never keeps the process alive (after the listeners: adding one refs the worker again);
  // a run in progress does, through its deadline timer.
  worker.unref();
  return slot;
}

function settle(slot: Slot): Pending {
  const p = slot.busy!;
  clearTimeout(slot.timer);
  slot.busy = null;
  return p;
}

function replace(slot: Slot) {
  const i = slots.indexOf(slot);
  if (i >= 0) slots.splice(i, 1);
  void slot.worker.terminate();
}

function pump() {
  while (waiting.length) {
    let slot = slots.find((s) => !s.busy);
    if (!slot && slots.length < POOL_SIZE) slots.push((slot = spawn()));
    if (!slot) return;
    const p = waiting.shift()!;
    const s = slot;
    s.busy = p;
    s.runs += 1;
    s.id = ++nextId;
    // The wall-clock deadline is a second line of defence behind QuickJS's interrupt handler
    // (it counts from when the run was handed to the worker, plus the worker's start-up).
    s.timer = setTimeout(() => {
      if (s.busy !== p) return;
      settle(s);
      p.resolve({ ok: false, error: `Execution exceeded ${p.job.timeoutMs} ms`, duration_ms: Date.now() - p.started });
      replace(s);
      pump();
    }, p.job.timeoutMs + 3_000);
    const id = s.id;
    void s.ready.then(() => { if (s.busy === p) s.worker.postMessage({ id, job: p.job }); });
  }
}

/**
 * Executes JavaScript skill code in QuickJS inside a pool of worker threads. Each run gets a fresh
 * QuickJS runtime (nothing carries from one run to the next); a worker that hits a limit, crashes or
 * misses the wall-clock deadline is terminated and replaced, and each has its own V8 heap cap, so a
 * runaway skill can never block or exhaust the server.
 */
export function runInSandbox(code: string, input: unknown, env: Record<string, unknown> = {}, limits: Partial<typeof SANDBOX_LIMITS> = {}): Promise<SandboxResult> {
  if (waiting.length >= MAX_WAITING) return Promise.resolve({ ok: false, error: `The sandbox is busy (${waiting.length} runs waiting); try again shortly`, duration_ms: 0 });
  return new Promise((resolve) => {
    waiting.push({ job: { code, input, env, ...SANDBOX_LIMITS, ...limits }, started: Date.now(), resolve });
    pump();
  });
}
