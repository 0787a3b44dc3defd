import { Type } from '@sinclair/typebox';
import type { StepRow } from './repo.js';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const Maybe = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const JournalStep = Type.Object({
  step_no: Type.Integer(),
  kind: Type.String({
    description: 'model (a turn of the model), tool (a tool call) or recall (memory read once per run)',
  }),
  name: Type.String({ description: 'The model, the tool, or what was recalled' }),
  status: Type.String({ description: 'started, completed, failed, awaiting_approval, approved or rejected' }),
  idempotency_key: Type.Union([Type.String(), Type.Null()], {
    description: 'Sent with the tool call (Idempotency-Key header, env.idempotency_key)',
  }),
  request: Type.Unknown({
    description: 'Tool arguments; for a model turn, the messages added since the previous turn and the request digest',
  }),
  result: Type.Unknown(),
  error: Maybe(Type.String()),
  usage: Type.Unknown(),
  approval_id: Maybe(Type.String()),
  attempts: Type.Integer(),
  duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  started_at: Type.String(),
  finished_at: Maybe(Type.String()),
});

/** A journal step as the API shows it. */
export function stepView(runId: string, s: StepRow) {
  return {
    step_no: s.step_no,
    kind: s.kind,
    name: s.name,
    status: s.status,
    idempotency_key: s.kind === 'tool' ? `${runId}:${s.step_no}` : null,
    request: s.kind === 'model' ? { ...(s.request as object), digest: s.digest } : s.request,
    result: s.result,
    error: s.error,
    usage: s.usage,
    approval_id: s.approval_id,
    attempts: s.attempts,
    duration_ms: s.duration_ms,
    started_at: iso(s.started_at)!,
    finished_at: iso(s.finished_at),
  };
}
