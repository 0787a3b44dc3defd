/**
 * What other modules may read of the executions module's tables (its repo.ts is private to it;
 * test/architecture/boundaries.test.ts). Each takes the caller's Executor.
 */
export type { ExecutionRow } from './repo.js';
/** One execution of the tenant by id, or null. */
/** An agent's execution statistics (totals, successes, average confidence, last run). */
/** How many of an agent's executions are pending or in progress. */
/** The tool combinations an agent's finished executions used, with their success rates. */
export { getExecution, openCount, patterns, stats } from './repo.js';
