import type { AppContext } from '../../../platform/context.js';
import type { ChatMessage } from '../../../platform/llm/provider.js';
import { conversationOf } from '../runtime/conversation.js';
import * as repo from './repo.js';

/**
 * What each execution said with its model (user, assistant and tool messages), read from their
 * journals in one query; an execution no model ran for has none.
 */
export async function conversations(
  ctx: AppContext,
  tenantId: string,
  executionIds: string[],
): Promise<Map<string, ChatMessage[]>> {
  const steps = executionIds.length ? await repo.stepsOf(ctx.db.as(tenantId), tenantId, executionIds) : new Map();
  return new Map(executionIds.map((id) => [id, conversationOf(steps.get(id) ?? [])]));
}
