import { createHash } from 'node:crypto';
import type { AppContext } from '../../../platform/context.js';
import type { Executor } from '../../../platform/db/index.js';
import { isUniqueViolation } from '../../../platform/errors.js';
import { saveTrace, type TraceStep } from '../repo.js';
import * as repo from './repo.js';

/** The run no longer matches its journal: replaying it would act on a different plan. */
export class JournalDiverged extends Error {}

/** Another attempt took this run over (this one was thought dead): it stops without writing anything more. */
export class Superseded extends Error {}

/**
 * A fresh tool call's start, its quota and the lease's write (the trace) in one statement, where the
 * journal belongs to a leased run (an execution): null when the lease is gone, else whether the
 * quota admitted the call.
 */
export type LeasedStart = (
  s: Omit<repo.NewStep, 'status' | 'digest' | 'approvalId'>,
  quota: repo.Quota,
) => Promise<{ held: boolean; started: boolean }>;

export const digestOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The durable journal of one run, the shape of Temporal's or Restate's step functions: every step
 * (model turn, tool call, recalled memory) gets the next number and is written before it acts and
 * after it finishes. A run that resumes walks the same code again; each step it reaches that the
 * journal holds as finished is answered from the journal, not done again. While those steps are
 * replayed, `replaying` is true (the trace stays quiet: it already holds them).
 *
 * `onWrite` runs in the transaction of every write, so whatever the run keeps beside the journal
 * (the execution's reasoning trace) is durable exactly when the step is.
 */
export class Journal {
  private cursor = 0;
  private readonly rows: Map<number, repo.StepRow>;
  /** A tool call's end not written yet: it goes with the next write (the next step's start, or the run's end). */
  private pending: { no: number; end: repo.StepEnd; record?: (ex: Executor) => Promise<void> } | null = null;
  /** The highest step written before this attempt began. */
  readonly last: number;

  constructor(
    private readonly ctx: AppContext,
    readonly tenantId: string,
    readonly runId: string,
    rows: repo.StepRow[],
    private readonly onWrite: (ex: Executor) => Promise<void>,
    private readonly traceLen: () => number,
    private readonly leasedStart: LeasedStart | null = null,
  ) {
    this.rows = new Map(rows.map((r) => [r.step_no, r]));
    this.last = rows.reduce((m, r) => Math.max(m, r.step_no), 0);
  }

  get replaying(): boolean {
    return this.cursor < this.last;
  }

  /** The idempotency key of a step: stable across attempts and processes. */
  key(stepNo: number): string {
    return `${this.runId}:${stepNo}`;
  }

  /** The next step; what the journal holds for it must be the same kind of work on the same thing. */
  next(kind: repo.StepKind, name: string): { no: number; prior: repo.StepRow | null } {
    const no = ++this.cursor;
    const prior = this.rows.get(no) ?? null;
    if (prior && (prior.kind !== kind || prior.name !== name)) {
      throw new JournalDiverged(
        `The run cannot resume: step ${no} was ${prior.kind} '${prior.name}' and is now ${kind} '${name}' ` +
          "(the agent's tools or settings changed since it started)",
      );
    }
    return { no, prior };
  }

  /**
   * One write, with `onWrite`, in one transaction; a step another attempt wrote first means this attempt was
   * superseded.
   */
  private async write<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    const held = this.pending;
    try {
      const out = await this.ctx.db.tx(this.tenantId, async (ex) => {
        await this.flush(ex);
        const result = await fn(ex);
        await this.onWrite(ex);
        return result;
      });
      if (this.pending === held) this.pending = null;
      return out;
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Superseded(`another attempt wrote step ${this.cursor} of ${this.runId} first`);
      throw err;
    }
  }

  // The repo's step writes, for this run, with the trace's length as it stands.
  private insert(ex: Executor, s: Omit<repo.NewStep, 'traceLen'>) {
    return repo.insert(ex, this.tenantId, this.runId, { ...s, traceLen: this.traceLen() });
  }

  private restart(ex: Executor, no: number) {
    return repo.restart(ex, this.tenantId, this.runId, no, this.traceLen());
  }

  private finish(ex: Executor, no: number, end: Omit<repo.StepEnd, 'traceLen'>) {
    return repo.finish(ex, this.tenantId, this.runId, no, { ...end, traceLen: this.traceLen() });
  }

  /** A step written once, already finished (a recalled memory, a refused tool call). */
  private async insertFinished(
    ex: Executor,
    s: Omit<repo.NewStep, 'traceLen' | 'status'>,
    end: Omit<repo.StepEnd, 'traceLen'>,
  ) {
    await this.insert(ex, { ...s, status: 'started' });
    await this.finish(ex, s.stepNo, end);
  }

  /** A value computed once per run and replayed afterwards (it may differ when computed later). */
  async remember<T>(name: string, compute: () => Promise<T>): Promise<T> {
    const { no, prior } = this.next('recall', name);
    if (prior?.status === 'completed') return (prior.result as { value: T }).value;
    const value = await compute();
    const end = { status: 'completed' as const, result: { value: value as unknown }, error: null, durationMs: 0 };
    await this.write((ex) =>
      prior ? this.finish(ex, no, end) : this.insertFinished(ex, { stepNo: no, kind: 'recall', name }, end),
    );
    return value;
  }

  /**
   * A step that acts (a model turn): answered from the journal when it finished before; otherwise
   * written as started, acted on, and written as finished together with `settle` (token metering).
   * A step that started but never finished (the process died) acts again.
   */
  async act<T extends Record<string, unknown>>(
    kind: repo.StepKind,
    name: string,
    request: { summary: unknown; digest: string },
    run: () => Promise<T>,
    settle: (ex: Executor, out: T) => Promise<Record<string, number> | null>,
  ): Promise<T> {
    const { no, prior } = this.next(kind, name);
    if (prior && prior.digest !== request.digest) {
      throw new JournalDiverged(
        `The run cannot resume: the request of step ${no} (${kind} '${name}') differs from the journaled one ` +
          '(its inputs changed since it started)',
      );
    }
    if (prior?.status === 'completed') return prior.result as T;
    await this.write((ex) =>
      prior
        ? this.restart(ex, no)
        : this.insert(ex, {
            stepNo: no,
            kind,
            name,
            status: 'started',
            request: request.summary,
            digest: request.digest,
          }),
    );
    const started = Date.now();
    let out: T;
    try {
      out = await run();
    } catch (err) {
      const error = (err as Error).message;
      await this.write((ex) =>
        this.finish(ex, no, { status: 'failed', result: null, error, durationMs: Date.now() - started }),
      );
      throw err;
    }
    await this.write(async (ex) => {
      const usage = await settle(ex, out);
      await this.finish(ex, no, {
        status: 'completed',
        result: out,
        error: null,
        usage,
        durationMs: Date.now() - started,
      });
    });
    return out;
  }

  /** Writes a tool call that will not run: governance denied it, or the quota is spent. */
  recordRefusal(
    no: number,
    name: string,
    args: unknown,
    result: Record<string, unknown>,
    error: string,
  ): Promise<void> {
    const end = { status: 'failed' as const, result, error, durationMs: 0 };
    return this.write((ex) => this.insertFinished(ex, { stepNo: no, kind: 'tool', name, request: args }, end));
  }

  /**
   * A tool call about to run: `admit` (the quota) decides in the same transaction. Returns the
   * refusal, written as the step's end, when it does not admit the call; null when the call may run.
   * A first call with no earlier call's end held, in a leased run, is written in one statement with
   * its quota (`quota`, the same counter `admit` consumes); a refused one is then written as below.
   */
  async startTool(
    no: number,
    name: string,
    args: unknown,
    prior: repo.StepRow | null,
    admit: (ex: Executor) => Promise<string | null>,
    quota?: repo.Quota,
  ): Promise<string | null> {
    if (!prior && !this.pending && quota && this.leasedStart) {
      const r = await this.leasedStart(
        { stepNo: no, kind: 'tool', name, request: args, traceLen: this.traceLen() },
        quota,
      ).catch((err) => {
        if (isUniqueViolation(err)) throw new Superseded(`another attempt wrote step ${no} of ${this.runId} first`);
        throw err;
      });
      if (!r.held) throw new Superseded('another attempt took this run over');
      if (r.started) return null;
    }
    return this.write(async (ex) => {
      const refusal = await admit(ex);
      const refused = { status: 'failed' as const, result: { refused: 'quota' }, error: refusal, durationMs: 0 };
      if (prior && refusal) await this.finish(ex, no, refused);
      else if (prior) await this.restart(ex, no);
      else if (refusal) await this.insertFinished(ex, { stepNo: no, kind: 'tool', name, request: args }, refused);
      else await this.insert(ex, { stepNo: no, kind: 'tool', name, status: 'started', request: args });
      return refusal;
    });
  }

  /** A tool call interrupted by a crash runs again; only the attempt count moves. */
  retryTool(no: number): Promise<void> {
    return this.write((ex) => this.restart(ex, no));
  }

  /**
   * A tool call's end, written with the journal's next write: the next step's start (before that
   * step acts) or the run's end (`flush`, in the transaction that ends the run). Nothing acts in
   * between, so a crash there costs what a crash just before this write would: the call runs
   * again on resume, with the same idempotency key. `record` (the tool provider's record of the
   * call: a skill run) is written with it.
   */
  finishTool(
    no: number,
    r: { ok: boolean; output: unknown; error?: string },
    durationMs: number,
    record?: (ex: Executor) => Promise<void>,
  ): void {
    const status = r.ok ? ('completed' as const) : ('failed' as const);
    this.pending = {
      no,
      end: {
        status,
        result: { output: r.output ?? null },
        error: r.error ?? null,
        durationMs,
        traceLen: this.traceLen(),
      },
      record,
    };
  }

  /** Writes the tool call's end still held, in the caller's transaction (which keeps the trace beside it). */
  async flush(ex: Executor): Promise<void> {
    if (!this.pending) return;
    await repo.finish(ex, this.tenantId, this.runId, this.pending.no, this.pending.end);
    await this.pending.record?.(ex);
  }

  /** The held end written on its own (a run released at shutdown, whose next write never comes). */
  async flushAlone(): Promise<void> {
    if (this.pending) await this.write(async () => undefined);
  }

  /** Parks a tool call for a human, in the caller's transaction (with the approval it waits for). */
  async park(ex: Executor, no: number, name: string, args: unknown, approvalId: string): Promise<void> {
    await this.flush(ex);
    await this.insert(ex, { stepNo: no, kind: 'tool', name, status: 'awaiting_approval', request: args, approvalId });
  }
}

/**
 * The journal of an execution (`attempts` is the lease of the attempt that runs it): every write
 * also writes the execution's reasoning trace, and is refused once another attempt has claimed it.
 */
export function executionJournal(
  ctx: AppContext,
  e: { tenant_id: string; id: string; attempts: number },
  rows: repo.StepRow[],
  trace: { steps: TraceStep[] },
): Journal {
  const keepTrace = async (ex: Executor) => {
    if (!(await saveTrace(ex, e.tenant_id, e.id, e.attempts, trace.steps)))
      throw new Superseded('another attempt took this run over');
  };
  const leasedStart: LeasedStart = (s, quota) =>
    repo.startLeased(ctx.db.as(e.tenant_id), e.tenant_id, e.id, e.attempts, trace.steps, s, quota);
  return new Journal(ctx, e.tenant_id, e.id, rows, keepTrace, () => trace.steps.length, leasedStart);
}
