import type { AppContext } from '../../platform/context.js';
import { runnerFor } from '../executions/runtime/shared.js';
import { chatService } from './service.js';

/**
 * Answers of chat executions reach their session whichever process ran them; a model's answer streams into it as it is
 * written.
 */
export function setupChat(ctx: AppContext) {
  const chat = chatService(ctx);
  ctx.outbox.subscribe('chat', ['agent.executed'], (event) => chat.onExecuted(event));
  runnerFor(ctx).onTokens((e, chunk) => chat.onTokens(e, chunk));
}
