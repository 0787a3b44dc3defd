import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FairQueue, type Share } from './fair-queue.js';
import type { SandboxJob, WorkerReply } from './worker.js';

export const SANDBOX_LIMITS = {
  timeoutMs: 2_000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  outputMaxBytes: 256 * 1024,
};
/** Worker threads kept warm by default (each runs one skill at a time); ATOM_SANDBOX_WORKERS (config) overrides. */
export const DEFAULT_WORKERS = Math.max(1, Math.min(4, availableParallelism()));
/** Runs waiting beyond this, all tenants together, are refused at once rather than queued for ever. */
const MAX_WAITING = 1_000;
/**
 * A worker is replaced after this many runs, so nothing it may accumulate outlives a bounded window
 * (each run has its own QuickJS runtime already). A new worker costs ~0.4 s of CPU to boot (tsx,
 * QuickJS's WASM): its successor boots while it still serves, and takes over once ready.
 */
const RUNS_PER_WORKER = 2_000;
/**
 * How long after a run's deadline the host terminates its worker. QuickJS's interrupt handler stops
 * ordinary loops at the deadline itself; it never fires inside native code (a huge Array fill, a
 * catastrophic regex), so the host's timer is what bounds those.
 */
const HOST_GRACE_MS = 150;
/** A new worker (tsx, QuickJS's WASM) that is not ready within this is given up. */
const BOOT_MS = 30_000;

/** Why a run failed, when the pool or the limits decided it (the skill's own exceptions have none). */
export type SandboxCode = 'SKILL_TIMEOUT' | 'SKILL_OUTPUT_TOO_LARGE' | 'SANDBOX_BUSY';
export type SandboxResult =
  | { ok: true; output: unknown; duration_ms: number }
  | { ok: false; error: string; code?: SandboxCode; retry_after_s?: number; duration_ms: number };

/** Who runs, and the share of the pool they may hold (see FairQueue). */
export interface SandboxTenancy extends Share {
  tenant: string;
  workers?: number;
}

interface Pending {
  job: SandboxJob;
  tenant: string;
  share: Share;
  started: number;
  resolve: (r: SandboxResult) => void;
}
interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  busy: Pending | null;
  runs: number;
  timer?: NodeJS.Timeout;
  id: number;
  /** Served its runs: it goes once this successor is ready and it is idle. */
  successor?: Slot;
}

const slots: Slot[] = [];
const queue = new FairQueue<Pending>();
let poolSize = DEFAULT_WORKERS;
let nextId = 0;
const counters = { terminated_on_deadline: 0, refused_busy: 0 };

/**
 * The worker's module. From the TypeScript sources (tsx), a small .mjs that registers tsx in the thread
 * first (worker threads do not inherit the parent's loader on Node 20); compiled (npm run build), the
 * worker's own .js beside this file, with no loader at all.
 */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);

function spawn(): Slot {
  const worker = new Worker(WORKER_URL, {
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
  const slot: Slot = {
    worker,
    busy: null,
    runs: 0,
    id: 0,
    isReady: false,
    ready: new Promise((r) => worker.once('message', () => r())),
  };
  void slot.ready.then(() => {
    slot.isReady = true;
    // The worker this one succeeds goes now if idle, else when its run ends.
    for (const old of slots.filter((s) => s.successor === slot && !s.busy)) replace(old);
    pump();
  });
  worker.on('message', (m: WorkerReply | { ready: true }) => {
    if (!('id' in m) || m.id !== slot.id || !slot.busy) return;
    const p = settle(slot);
    p.resolve(
      m.ok
        ? { ok: true, output: m.output, duration_ms: Date.now() - p.started }
        : { ok: false, error: m.error, ...(m.code ? { code: m.code } : {}), duration_ms: Date.now() - p.started },
    );
    if ((!m.ok && m.breach) || slot.successor?.isReady) replace(slot);
    else if (slot.runs >= RUNS_PER_WORKER) retire(slot);
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
  // a busy worker does (start refs it, settle unrefs it).
  worker.unref();
  return slot;
}

function settle(slot: Slot): Pending {
  const p = slot.busy!;
  clearTimeout(slot.timer);
  slot.worker.unref();
  slot.busy = null;
  queue.done(p.tenant);
  return p;
}

function replace(slot: Slot) {
  const i = slots.indexOf(slot);
  if (i >= 0) slots.splice(i, 1);
  void slot.worker.terminate();
}

/** A worker that served its runs keeps serving until its successor (started here) is ready, then goes. */
function retire(slot: Slot) {
  if (slot.successor && slots.includes(slot.successor)) return;
  slot.successor = spawn();
  slots.push(slot.successor);
}

/** The host's deadline: the worker is terminated (and replaced) however the skill got stuck. */
function onDeadline(s: Slot, p: Pending) {
  if (s.busy !== p) return;
  settle(s);
  counters.terminated_on_deadline += 1;
  p.resolve({
    ok: false,
    error: `Execution exceeded its ${p.job.timeoutMs} ms time limit`,
    code: 'SKILL_TIMEOUT',
    duration_ms: Date.now() - p.started,
  });
  replace(s);
  pump();
}

function start(s: Slot, p: Pending) {
  s.busy = p;
  s.worker.ref();
  s.runs += 1;
  const id = ++nextId;
  s.id = id;
  // The deadline counts from when the worker has the job (a new worker first loads QuickJS); a worker
  // that never gets ready fails the run too.
  s.timer = setTimeout(() => onDeadline(s, p), BOOT_MS + p.job.timeoutMs);
  void s.ready.then(() => {
    if (s.busy !== p) return;
    clearTimeout(s.timer);
    s.worker.postMessage({ id, job: p.job });
    s.timer = setTimeout(() => onDeadline(s, p), p.job.timeoutMs + HOST_GRACE_MS);
  });
}

/**
 * Hands queued runs to free workers, one tenant after another (round robin), within each tenant's
 * share. The pool is refilled up to its size as it goes (a replaced worker's successor starts warm).
 */
function pump() {
  for (;;) {
    // A ready worker first: one still booting would hold the run for its boot.
    let slot = slots.find((s) => !s.busy && s.isReady) ?? slots.find((s) => !s.busy);
    if (!slot && slots.filter((s) => !s.successor).length < poolSize) {
      slot = spawn();
      slots.push(slot);
    }
    if (!slot) return;
    const p = queue.take();
    if (!p) return;
    start(slot, p);
  }
}

function busy(message: string): SandboxResult {
  counters.refused_busy += 1;
  // A run lasts at most its deadline: by then a place has come free.
  return {
    ok: false,
    error: message,
    code: 'SANDBOX_BUSY',
    retry_after_s: Math.ceil(SANDBOX_LIMITS.timeoutMs / 1000),
    duration_ms: 0,
  };
}

/** Whether a run for this tenant would be queued or started now, rather than refused as busy. */
export function sandboxAdmits(t: SandboxTenancy): boolean {
  return queue.size < MAX_WAITING && queue.admits(t.tenant, t);
}

/**
 * Executes JavaScript skill code in QuickJS inside a pool of worker threads. Each run gets a fresh
 * QuickJS runtime (nothing carries from one run to the next); a worker that hits a limit, crashes or
 * passes the run's deadline is terminated and replaced, and each has its own V8 heap cap, so a
 * runaway skill can never block or exhaust the server. With `tenancy`, a tenant holds at most
 * `maxActive` workers and `maxQueued` waiting runs (beyond them: SANDBOX_BUSY), and free workers go
 * round robin over the tenants with waiting runs, so one tenant's runaways cannot starve the others.
 */
export function runInSandbox(
  code: string,
  input: unknown,
  env: Record<string, unknown> = {},
  limits: Partial<typeof SANDBOX_LIMITS> = {},
  tenancy?: SandboxTenancy,
): Promise<SandboxResult> {
  if (tenancy?.workers) poolSize = Math.max(1, tenancy.workers);
  const tenant = tenancy?.tenant ?? '';
  const share: Share = tenancy ?? { maxActive: Number.MAX_SAFE_INTEGER, maxQueued: Number.MAX_SAFE_INTEGER };
  if (queue.size >= MAX_WAITING)
    return Promise.resolve(busy(`The sandbox is busy (${queue.size} runs waiting); try again shortly`));
  if (!queue.admits(tenant, share)) {
    return Promise.resolve(
      busy(
        `This tenant already has ${share.maxActive} skill runs in progress and ${share.maxQueued} waiting; try ` +
          `again shortly`,
      ),
    );
  }
  return new Promise((resolve) => {
    queue.push(tenant, share, {
      job: { code, input, env, ...SANDBOX_LIMITS, ...limits },
      tenant,
      share,
      started: Date.now(),
      resolve,
    });
    pump();
  });
}

/** The pool as it stands (for tests and metrics). */
export function sandboxStats() {
  return {
    workers: slots.filter((s) => !s.successor).length,
    pool_size: poolSize,
    busy: slots.filter((s) => s.busy).length,
    queued: queue.size,
    ...counters,
  };
}
