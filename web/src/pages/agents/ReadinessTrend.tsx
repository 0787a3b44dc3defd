export interface TrendPoint {
  at: string;
  score: number;
  label: string;
  components?: Record<string, number>;
}

const COLORS = ['#8a6d00', '#0f7b6c', '#b54708', '#6941c6', '#c11574', '#475467', '#026aa2'];

/**
 * Readiness after each recent episode as a line (plain SVG), with its components as thin lines
 * when the points carry them, and the next level's threshold dashed.
 */
export function ReadinessTrend({ points, threshold }: { points: TrendPoint[]; threshold: number | null }) {
  if (points.length < 2) return null;
  const W = 420,
    H = 140,
    pad = 36;
  const x = (i: number) => pad + (i / (points.length - 1)) * (W - 2 * pad);
  const y = (v: number) => H - pad / 2 - v * (H - pad);
  const line = (vals: number[]) =>
    vals.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const names = Object.keys(points[0].components ?? {});
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        style={{ maxWidth: `${W}px` }}
        role="img"
        aria-label={`Readiness over time: ${points.map((p) => `${p.label} ${Math.round(p.score * 100)}%`).join(', ')}`}
      >
        {threshold !== null && (
          <>
            <line x1={pad} x2={W - pad} y1={y(threshold)} y2={y(threshold)} stroke="#b42318" strokeDasharray="4 3" />
            <text x={W - pad} y={y(threshold) - 4} fontSize="10" textAnchor="end" fill="#b42318">
              threshold
            </text>
          </>
        )}
        <text x={4} y={y(1) + 4} fontSize="10" fill="#5a6472">
          100%
        </text>
        <text x={4} y={y(0)} fontSize="10" fill="#5a6472">
          0%
        </text>
        {names.map((n, k) => (
          <path
            key={n}
            d={line(points.map((p) => p.components![n] ?? 0))}
            fill="none"
            stroke={COLORS[k % COLORS.length]}
            strokeWidth={1}
            opacity={0.6}
          >
            <title>{n.replace(/_/g, ' ')}</title>
          </path>
        ))}
        <path d={line(points.map((p) => p.score))} fill="none" stroke="#2952cc" strokeWidth={2.5} />
        {points.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a point's place in the series is its identity (labels and times may repeat)
          <circle key={i} cx={x(i)} cy={y(p.score)} r={3.5} fill="#2952cc">
            <title>{`${p.label}: ${Math.round(p.score * 100)}%`}</title>
          </circle>
        ))}
      </svg>
      {names.length > 0 && (
        <figcaption className="muted" style={{ fontSize: '.8rem' }}>
          <span style={{ color: '#2952cc', fontWeight: 600 }}>■ readiness</span>{' '}
          {names.map((n, k) => (
            <span key={n} style={{ color: COLORS[k % COLORS.length], marginRight: '.6rem' }}>
              ■ {n.replace(/_/g, ' ')}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
