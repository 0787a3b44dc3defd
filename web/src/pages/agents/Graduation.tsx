import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { can, useSession } from '../../session';
import { Badge, Empty, ErrorBox, Field, Loading, useAction, useAsync, when } from '../../ui';
import { type Readiness, ReadinessChart } from './ReadinessChart';
import { ReadinessTrend, type TrendPoint } from './ReadinessTrend';

interface Change {
  id: string;
  from_level: string;
  to_level: string;
  kind: string;
  justification: string | null;
  readiness_score: number | null;
  created_at: string;
}
interface Exam {
  id: string;
  from_level: string;
  target_level: string;
  passed: boolean;
  readiness_score: number;
  reasons: string[];
  created_at: string;
}

/** Readiness chart, graduation history and (for GRADUATION_MANAGE) promote/demote with a justification. */
export function Graduation({
  agentId,
  version,
  onChanged,
}: {
  agentId: string;
  version: number;
  onChanged: () => void;
}) {
  const { session } = useSession();
  const readiness = useAsync(
    () => api<{ data: Readiness }>('GET', `/api/graduation/agents/${agentId}/readiness`),
    [agentId, version],
  );
  const history = useAsync(
    () => api<{ data: { changes: Change[]; exams: Exam[] } }>('GET', `/api/graduation/agents/${agentId}/history`),
    [agentId, version],
  );
  const over = useAsync(
    () =>
      api<{
        data: {
          threshold: number | null;
          points: { at: string; episode_number: number; readiness_score: number; components: Record<string, number> }[];
        };
      }>('GET', `/api/graduation/agents/${agentId}/readiness/history?points=20`),
    [agentId, version],
  );
  const [direction, setDirection] = useState<'promote' | 'demote'>('promote');
  const [justification, setJustification] = useState('');
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  const move = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const res = await action.run(() =>
      api<{ data: { previous_level: string; new_level: string } }>(
        'POST',
        `/api/graduation/agents/${agentId}/${direction}`,
        { justification },
      ),
    );
    if (res) {
      setDone(`Moved from ${res.data.previous_level} to ${res.data.new_level}.`);
      setJustification('');
      onChanged();
    }
  };

  const h = history.data?.data;
  const trend: TrendPoint[] = (over.data?.data.points ?? []).map((p) => ({
    at: p.at,
    score: p.readiness_score,
    label: `after episode ${p.episode_number}`,
    components: p.components,
  }));
  return (
    <section className="card" aria-labelledby="grad-h">
      <h2 id="grad-h">Readiness and graduation</h2>
      <ErrorBox error={readiness.error} title="Readiness could not be loaded" />
      {readiness.data ? (
        <ReadinessChart r={readiness.data.data} />
      ) : (
        readiness.loading && <Loading what="Loading readiness" />
      )}
      {trend.length > 1 && (
        <>
          <h3>Readiness over time</h3>
          <ReadinessTrend points={trend} threshold={over.data!.data.threshold} />
        </>
      )}
      <h3>History</h3>
      <ErrorBox error={history.error} title="History could not be loaded" />
      {h && h.changes.length === 0 && h.exams.length === 0 && <Empty>No promotions, demotions or exams yet.</Empty>}
      {h && (h.changes.length > 0 || h.exams.length > 0) && (
        <ul data-testid="graduation-history">
          {h.changes.map((c) => (
            <li key={c.id}>
              <Badge tone={c.kind === 'demotion' ? 'bad' : 'good'}>{c.kind}</Badge> {c.from_level} → {c.to_level} on{' '}
              {when(c.created_at)}
              {c.justification && <> — “{c.justification}”</>}
            </li>
          ))}
          {h.exams.map((x) => (
            <li key={x.id}>
              <Badge tone={x.passed ? 'good' : 'bad'}>exam {x.passed ? 'passed' : 'failed'}</Badge> {x.from_level} →{' '}
              {x.target_level} on {when(x.created_at)}
              {x.reasons.length > 0 && <> — {x.reasons.join('; ')}</>}
            </li>
          ))}
        </ul>
      )}
      {can(session, 'GRADUATION_MANAGE') && (
        <form onSubmit={move} aria-label="Change maturity">
          <h3>Change maturity</h3>
          <div className="row">
            <Field label="Direction">
              <select value={direction} onChange={(e) => setDirection(e.target.value as 'promote' | 'demote')}>
                <option value="promote">Promote one level</option>
                <option value="demote">Demote one level</option>
              </select>
            </Field>
          </div>
          <Field label="Justification" hint="At least 10 characters; kept in the history.">
            <input
              required
              minLength={10}
              maxLength={2000}
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
            />
          </Field>
          <ErrorBox error={action.error} title="Maturity not changed" />
          {done && (
            <p className="notice" role="status">
              {done}
            </p>
          )}
          <button type="submit" disabled={action.busy}>
            {direction === 'promote' ? 'Promote' : 'Demote'}
          </button>
        </form>
      )}
    </section>
  );
}
