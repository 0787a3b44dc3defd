import type { TraceStep } from '../repo.js';

/** The reasoning trace: every plan, governance decision, tool call and answer, in order. */
export class Trace {
  readonly steps: TraceStep[];

  constructor(previous: TraceStep[] = []) {
    this.steps = [...previous];
  }

  add(type: string, data: Record<string, unknown>): TraceStep {
    const step = { step: this.steps.length + 1, type, at: new Date().toISOString(), ...data };
    this.steps.push(step);
    return step;
  }
}
