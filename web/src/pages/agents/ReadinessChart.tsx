interface Readiness {
  readiness_score: number;
  threshold: number;
  current_level: string;
  next_level: string | null;
  components: Record<string, number>;
  episodes_considered: number;
  min_episodes: number;
}

/** One bar per readiness component (0–1), with the threshold as a dashed line. Plain SVG. */
export function ReadinessChart({ r }: { r: Readiness }) {
  const entries = Object.entries(r.components);
  const rowH = 26,
    labelW = 150,
    barW = 260,
    width = labelW + barW + 50,
    height = entries.length * rowH + 24;
  const x = (v: number) => labelW + v * barW;
  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: `${width}px` }}
        role="img"
        aria-labelledby="readiness-title readiness-desc"
      >
        <title id="readiness-title">Readiness components</title>
        <desc id="readiness-desc">
          {entries.map(([k, v]) => `${k.replace(/_/g, ' ')} ${Math.round(v * 100)}%`).join(', ')}; threshold{' '}
          {Math.round(r.threshold * 100)}%
        </desc>
        {entries.map(([k, v], i) => (
          <g key={k} transform={`translate(0 ${i * rowH})`}>
            <text x={labelW - 8} y={17} textAnchor="end" fontSize="12" fill="#1b1f24">
              {k.replace(/_/g, ' ')}
            </text>
            <rect x={labelW} y={5} width={barW} height={16} fill="#e4e8ee" rx={3} />
            <rect
              x={labelW}
              y={5}
              width={Math.max(0, Math.min(1, v)) * barW}
              height={16}
              fill={v >= r.threshold ? '#1d7a3a' : '#2952cc'}
              rx={3}
            />
            <text x={x(1) + 6} y={17} fontSize="12" fill="#5a6472">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        <line
          x1={x(r.threshold)}
          x2={x(r.threshold)}
          y1={0}
          y2={entries.length * rowH + 4}
          stroke="#b42318"
          strokeDasharray="4 3"
        />
        <text x={x(r.threshold)} y={entries.length * rowH + 18} fontSize="11" textAnchor="middle" fill="#b42318">
          threshold {Math.round(r.threshold * 100)}%
        </text>
      </svg>
      <figcaption className="muted">
        Readiness {Math.round(r.readiness_score * 100)}% for {r.next_level ?? 'no further level'} ·{' '}
        {r.episodes_considered} of at least {r.min_episodes} episodes
      </figcaption>
    </figure>
  );
}

export type { Readiness };
