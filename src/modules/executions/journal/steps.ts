/**
 * The step journal as other modules use it: a workflow run journals its nodes in the same table
 * an execution journals its steps, through these functions. The journal belongs to the executions
 * module and its repo.ts is private to it (test/architecture/boundaries.test.ts).
 */
export type { StepRow } from './repo.js';
/** Reads: a run's steps in order; the steps of several runs; the run waiting on an execution's approval. */
/**
 * Writes, in the caller's transaction: a step begins, ends, is retried, resumes, waits for an approval, counts usage.
 */
export { await_, finish, insert, resume, retry, runAwaiting, setUsage, steps, stepsOf } from './repo.js';
