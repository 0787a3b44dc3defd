/**
 * Episodes as other modules record and read them (the graduation module's repo.ts is private to it;
 * test/architecture/boundaries.test.ts). Each takes the caller's Executor, so it joins the
 * caller's transaction: an execution's end records its episode in the same commit.
 */
export type { EpisodeRow } from './repo.js';
/** The episode of a finished execution (executions' recordEnd). */
/** An agent's most relevant past episodes for a task (episodic memory for a run). */
/** The episodes readiness is computed over (most recent first), and how many real ones there are. */
export { countForReadiness, insertEpisodeForExecution, recall, recentForReadiness } from './repo.js';
