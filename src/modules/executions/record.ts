import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { insertEpisodeForExecution } from '../graduation/episodes.js';
import type { ExecutionRow } from './repo.js';
import { executedEvent } from './view.js';

const EPISODE_SOURCE: Record<string, string> = {
  api: 'execution',
  training: 'training',
  exam: 'exam',
  canvas: 'canvas',
};

/**
 * Everything that follows the end of an execution, in its transaction: the episode that records
 * it in the agent's memory, and the `agent.executed` event.
 */
export async function recordEnd(ctx: AppContext, ex: Executor, e: ExecutionRow): Promise<string> {
  const episodeId = newId('epi');
  await insertEpisodeForExecution(ex, e, episodeId, EPISODE_SOURCE[e.source] ?? 'execution');
  await ctx.outbox.emit(ex, e.tenant_id, 'agent.executed', executedEvent(e));
  return episodeId;
}
