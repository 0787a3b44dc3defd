import type { AppContext } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { DomainEvent } from '../../platform/events.js';
import { newId } from '../../platform/ids.js';
import type { ChatMessage } from '../../platform/llm/provider.js';
import * as agents from '../agents/queries.js';
import { conversations } from '../executions/journal/conversation.js';
import * as executions from '../executions/queries.js';
import { runnerFor } from '../executions/runtime/shared.js';
import type { TokenChunk } from '../executions/runtime/tokens.js';
import { executionsService } from '../executions/service.js';
import * as repo from './repo.js';

export const chatChannel = (tenantId: string, sessionId: string) => `atom:chat:${tenantId}:${sessionId}`;
const HISTORY = 10;
const TOKEN_CHUNK = 24;
const iso = (d: Date | string) => new Date(d).toISOString();

export function sessionView(s: repo.SessionRow) {
  return {
    id: s.id,
    agent_id: s.agent_id,
    title: s.title,
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
  };
}

export function eventView(e: repo.ChatEvent) {
  return {
    seq: Number(e.seq),
    type: e.type,
    execution_id: e.execution_id,
    data: e.data,
    created_at: iso(e.created_at),
  };
}

/**
 * Chat: a session is a conversation with one agent. Each message runs through the execution
 * runtime and governance; steps, the answer (as token chunks, then the whole message) and
 * status are appended as numbered events and announced on the bus (Redis across processes).
 */
export function chatService(ctx: AppContext) {
  const runs = executionsService(ctx, runnerFor(ctx));

  async function append(tenantId: string, sessionId: string, e: Parameters<typeof repo.append>[3]) {
    const row = await repo.append(ctx.db.as(tenantId), tenantId, sessionId, e);
    if (row) await ctx.bus.publish(chatChannel(tenantId, sessionId), String(row.seq));
    return row;
  }

  async function load(tenantId: string, id: string) {
    const s = await repo.getSession(ctx.db.as(tenantId), tenantId, id);
    if (!s) throw notFound('SESSION_NOT_FOUND', 'Session', id);
    return s;
  }

  /**
   * The answer of a finished execution, once: the message, then a done status. A model's answer
   * streamed as `token` events while it was written; an answer that did not stream (the embedded
   * planner, a failure) is sent as token chunks first, so clients read every answer the same way.
   */
  async function finalize(tenantId: string, sessionId: string, e: executions.ExecutionRow) {
    const answer =
      e.status === 'completed' ? String(e.result?.summary ?? '') : `I could not complete this: ${e.error ?? e.status}`;
    const streamed = await repo.hasEvents(ctx.db.as(tenantId), tenantId, sessionId, e.id, 'token');
    for (let i = 0, n = 0; !streamed && i < answer.length; i += TOKEN_CHUNK, n++) {
      await append(tenantId, sessionId, {
        type: 'token',
        executionId: e.id,
        dedupe: `token:${e.id}:${n}`,
        data: { text: answer.slice(i, i + TOKEN_CHUNK) },
      });
    }
    const message = await append(tenantId, sessionId, {
      type: 'message',
      executionId: e.id,
      dedupe: `answer:${e.id}`,
      data: { role: 'assistant', content: answer, execution_id: e.id, status: e.status, confidence: e.confidence },
    });
    await append(tenantId, sessionId, {
      type: 'status',
      executionId: e.id,
      dedupe: `done:${e.id}`,
      data: { status: e.status, execution_id: e.id },
    });
    return message;
  }

  /** Follows a running execution in this process and streams its reasoning steps as they happen. */
  async function follow(tenantId: string, sessionId: string, executionId: string) {
    let sent = 0;
    for (let i = 0; i < 3000; i++) {
      const e = await executions.getExecution(ctx.db.as(tenantId), tenantId, executionId);
      if (!e) return;
      for (const step of e.reasoning_trace.slice(sent)) {
        await append(tenantId, sessionId, {
          type: 'step',
          executionId,
          dedupe: `step:${executionId}:${step.step}`,
          data: step,
        });
      }
      sent = e.reasoning_trace.length;
      if (['completed', 'failed', 'cancelled'].includes(e.status)) return finalize(tenantId, sessionId, e);
      if (e.awaiting_approval)
        return append(tenantId, sessionId, {
          type: 'status',
          executionId,
          dedupe: `approval:${executionId}:${e.awaiting_approval}`,
          data: { status: 'awaiting_approval', approval_id: e.awaiting_approval },
        });
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * The session's conversation as model messages: each earlier exchange as the model had it (the
   * user's message, the assistant's tool calls, the tools' answers, the answer), read from the
   * executions' journals; exchanges answered without a model as the user's message and the answer.
   * The runtime trims it to the model's history budget.
   */
  async function conversationSoFar(tenantId: string, sessionId: string): Promise<ChatMessage[]> {
    const events = (await repo.eventsAfter(ctx.db.as(tenantId), tenantId, sessionId, 0, ['message'])).slice(
      -2 * HISTORY,
    );
    const answered = events.flatMap((m) => (m.data.role === 'user' || !m.execution_id ? [] : [m.execution_id]));
    const spoken = await conversations(ctx, tenantId, answered);
    const out: ChatMessage[] = [];
    let asked: ChatMessage | null = null;
    for (const m of events) {
      const content = String(m.data.content ?? '');
      if (m.data.role === 'user') {
        if (asked) out.push(asked);
        asked = { role: 'user', content };
        continue;
      }
      const said = (m.execution_id && spoken.get(m.execution_id)) || [];
      out.push(...(said.length ? said : [...(asked ? [asked] : []), { role: 'assistant' as const, content }]));
      asked = null;
    }
    return out;
  }

  return {
    async createSession(tenantId: string, by: string | null, input: { agent_id: string; title?: string }) {
      if (!(await agents.getAgent(ctx.db.as(tenantId), tenantId, input.agent_id)))
        throw notFound('AGENT_NOT_FOUND', 'Agent', input.agent_id);
      return sessionView(
        await repo.insertSession(ctx.db.as(tenantId), tenantId, {
          id: newId('ses'),
          agentId: input.agent_id,
          title: input.title ?? null,
          by,
        }),
      );
    },

    async list(tenantId: string, f: { agentId?: string; limit: number; offset: number }) {
      const { rows, total } = await repo.listSessions(ctx.db.as(tenantId), tenantId, f);
      return { items: rows.map((r) => sessionView(r)), total };
    },

    async get(tenantId: string, id: string) {
      const s = await load(tenantId, id);
      const messages = await repo.eventsAfter(ctx.db.as(tenantId), tenantId, id, 0, ['message']);
      return { session: sessionView(s), messages: messages.map(eventView) };
    },

    async remove(tenantId: string, id: string) {
      if (!(await repo.deleteSession(ctx.db.as(tenantId), tenantId, id)))
        throw notFound('SESSION_NOT_FOUND', 'Session', id);
    },

    events: (tenantId: string, id: string, after: number) =>
      repo.eventsAfter(ctx.db.as(tenantId), tenantId, id, after, null),
    load,

    /** A user message: stored, run as a governed execution, answered at once when quick. */
    async send(
      tenantId: string,
      by: string | null,
      input: { session_id?: string; agent_id?: string; message: string },
    ) {
      if (!input.session_id && !input.agent_id)
        throw new AppError('MISSING_REQUIRED_FIELD', 'Give session_id, or agent_id to start a session', {
          field: 'session_id',
        });
      const session = input.session_id
        ? await load(tenantId, input.session_id)
        : await this.createSession(tenantId, by, { agent_id: input.agent_id!, title: input.message.slice(0, 80) });
      const history = await conversationSoFar(tenantId, session.id);
      await append(tenantId, session.id, { type: 'message', data: { role: 'user', content: input.message } });
      let view: Awaited<ReturnType<typeof runs.execute>>['view'];
      try {
        ({ view } = await runs.execute(tenantId, by, session.agent_id, {
          task: input.message,
          context: { session_id: session.id, history },
        }));
      } catch (err) {
        if (err instanceof AppError)
          await append(tenantId, session.id, {
            type: 'error',
            data: { code: err.code, message: err.message, details: err.details ?? null },
          });
        throw err;
      }
      const following = follow(tenantId, session.id, view.execution_id).catch(() => undefined);
      const done = ['completed', 'failed', 'cancelled'].includes(view.status);
      if (done) await following;
      const answer = done
        ? (await repo.eventsAfter(ctx.db.as(tenantId), tenantId, session.id, 0, ['message'])).filter(
            (m) => m.execution_id === view.execution_id,
          )[0]
        : null;
      return {
        session_id: session.id,
        execution_id: view.execution_id,
        status: view.status,
        message: answer ? eventView(answer) : null,
        poll_url: view.poll_url,
      };
    },

    /**
     * Each piece of a model's answer, as the runner receives it, becomes a `token` event of the execution's session.
     */
    async onTokens(e: executions.ExecutionRow, chunk: TokenChunk) {
      const sessionId = e.context.session_id;
      if (typeof sessionId !== 'string') return;
      const data = { text: chunk.text, turn: chunk.turn };
      await append(e.tenant_id, sessionId, {
        type: 'token',
        executionId: e.id,
        dedupe: `stream:${e.id}:${chunk.seq}`,
        data,
      });
    },

    /** Outbox side: an execution that belongs to a chat ends with its answer, whichever process ran it. */
    async onExecuted(event: DomainEvent) {
      const executionId = String(event.data.execution_id ?? '');
      const e = await executions.getExecution(ctx.db.as(event.tenant_id), event.tenant_id, executionId);
      const sessionId = e?.context.session_id;
      if (
        !e ||
        typeof sessionId !== 'string' ||
        !(await repo.getSession(ctx.db.as(event.tenant_id), event.tenant_id, sessionId))
      )
        return;
      await finalize(event.tenant_id, sessionId, e);
    },
  };
}
