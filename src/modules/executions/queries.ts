/**
 * What other modules may read of the executions module's tables (its repo.ts is private to it;
 * test/architecture/boundaries.test.ts). Each takes the caller's Executor.
 */
export type { ExecutionRow } from './repo.js';
/** One execution of the tenant by id, or null. */
export { getExecution } from './repo.js';
/** An agent's execution statistics (totals, successes, average confidence, last run). */
export { stats } from './repo.js';
/** How many of an agent's executions are pending or in progress. */
export { openCount } from './repo.js';
/** The tool combinations an agent's finished executions used, with their success rates. */
export { patterns } from './repo.js';
