/**
 * What other modules may read of the agents module's tables. Its repo.ts is private to it
 * (test/architecture/boundaries.test.ts); each function takes the caller's Executor, so it reads
 * inside the caller's transaction when there is one.
 */
export type { AgentRow } from './repo.js';
/** The tenant's agent by id (`lock`: FOR UPDATE), or null. */
export { getAgent } from './repo.js';
