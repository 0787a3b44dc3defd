import type { AppContext } from '../../platform/context.js';
import { chatService } from './service.js';

/** Answers of chat executions reach their session whichever process ran them. */
export function setupChat(ctx: AppContext) {
  const chat = chatService(ctx);
  ctx.outbox.subscribe('chat', ['agent.executed'], (event) => chat.onExecuted(event));
}
