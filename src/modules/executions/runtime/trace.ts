import type { TraceStep } from '../repo.js';

/**
 * The reasoning trace: every plan, governance decision, tool call and answer, in order. While a
 * resumed run replays its journal the trace is quiet: it already holds what those steps said.
 */
export class Trace {
  readonly steps: TraceStep[];
  private quiet: () => boolean = () => false;

  constructor(previous: TraceStep[] = []) {
    this.steps = [...previous];
  }

  /** Entries added while `quiet()` holds are not kept (a replay says again what the trace has). */
  quietWhile(quiet: () => boolean) {
    this.quiet = quiet;
  }

  add(type: string, data: Record<string, unknown>): TraceStep {
    const step = { step: this.steps.length + 1, type, at: new Date().toISOString(), ...data };
    if (!this.quiet()) this.steps.push(step);
    return step;
  }
}
