import { api } from '../../api';
import { ErrorBox, Loading, useAsync } from '../../ui';

interface Usage {
  plan: string;
  quotas: { metric: string; label: string; used: number; limit: number | null }[];
  rate_limits: { requests_per_minute: number; requests_per_day: number | null };
  history: { metric: string; days: number; points: { day: string; count: number }[] };
}

/** Daily counts for the last N days as bars (days with no use are zero). */
function HistoryChart({ h }: { h: Usage['history'] }) {
  const byDay = new Map(h.points.map((p) => [p.day, p.count]));
  const days = Array.from({ length: h.days }, (_, i) => {
    const d = new Date(Date.now() - (h.days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    return { day: d, count: byDay.get(d) ?? 0 };
  });
  const max = Math.max(1, ...days.map((d) => d.count));
  const W = 28,
    H = 120,
    T = 14;
  return (
    <svg
      viewBox={`0 0 ${days.length * W} ${T + H + 22}`}
      width="100%"
      style={{ maxWidth: `${days.length * W}px` }}
      role="img"
      aria-label={`Skill executions per day: ${days.map((d) => `${d.day} ${d.count}`).join(', ')}`}
    >
      {days.map((d, i) => {
        const hgt = (d.count / max) * H;
        return (
          <g key={d.day}>
            <rect x={i * W + 4} y={T + H - hgt} width={W - 8} height={hgt} fill="#2952cc" rx={2} />
            {d.count > 0 && (
              <text x={i * W + W / 2} y={T + H - hgt - 3} fontSize="10" textAnchor="middle">
                {d.count}
              </text>
            )}
            <text x={i * W + W / 2} y={T + H + 14} fontSize="9" textAnchor="middle" fill="#5a6472">
              {d.day.slice(8)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function Usage() {
  const usage = useAsync(() => api<{ data: Usage }>('GET', '/api/usage'), []);
  if (usage.error)
    return (
      <>
        <h1>Usage</h1>
        <ErrorBox error={usage.error} title="Usage could not be loaded" />
      </>
    );
  if (!usage.data) return <Loading />;
  const u = usage.data.data;
  return (
    <>
      <h1>Usage on the {u.plan} plan</h1>
      <div className="grid">
        {u.quotas.map((q) => {
          const pct = q.limit ? Math.min(100, Math.round((q.used / q.limit) * 100)) : 0;
          return (
            <div className="card" key={q.metric}>
              <strong>{q.label}</strong>
              <p>
                {q.used} {q.limit === null ? '(unlimited)' : `of ${q.limit}`}
              </p>
              {q.limit !== null && (
                <div
                  className="progress"
                  role="progressbar"
                  aria-label={`${q.label} used`}
                  aria-valuemin={0}
                  aria-valuemax={q.limit}
                  aria-valuenow={q.used}
                >
                  <div style={{ width: `${pct}%`, background: pct >= 90 ? '#b42318' : undefined }} />
                </div>
              )}
            </div>
          );
        })}
      </div>
      <p className="muted">
        Request limits: {u.rate_limits.requests_per_minute} per minute
        {u.rate_limits.requests_per_day !== null ? `, ${u.rate_limits.requests_per_day} per day` : ''}.
      </p>
      <h2>Skill executions, last {u.history.days} days</h2>
      <HistoryChart h={u.history} />
    </>
  );
}
