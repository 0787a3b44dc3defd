import type { AppContext } from '../../../platform/context.js';
import type { ChatMessage } from '../../../platform/llm/provider.js';
import { conversationOf } from '../runtime/conversation.js';
import * as repo from './repo.js';

/** What an execution said with its model (user, assistant and tool messages), read from its journal. */
export async function conversation(ctx: AppContext, tenantId: string, executionId: string): Promise<ChatMessage[]> {
  return conversationOf(await repo.steps(ctx.db.as(tenantId), tenantId, executionId));
}
