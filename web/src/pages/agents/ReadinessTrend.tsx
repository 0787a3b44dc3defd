export interface TrendPoint { at: string; score: number; label: string }

/** Readiness at each recorded moment (exams, promotions, demotions, and now) as a line. Plain SVG. */
export function ReadinessTrend({ points, threshold }: { points: TrendPoint[]; threshold: number }) {
  if (points.length < 2) return null;
  const W = 420, H = 120, pad = 36;
  const t0 = new Date(points[0].at).getTime();
  const t1 = new Date(points[points.length - 1].at).getTime();
  const x = (at: string) => pad + ((new Date(at).getTime() - t0) / Math.max(1, t1 - t0)) * (W - 2 * pad);
  const y = (v: number) => H - pad / 2 - v * (H - pad);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: `${W}px` }} role="img" aria-label={`Readiness over time: ${points.map((p) => `${p.label} ${Math.round(p.score * 100)}%`).join(', ')}`}>
      <line x1={pad} x2={W - pad} y1={y(threshold)} y2={y(threshold)} stroke="#b42318" strokeDasharray="4 3" />
      <text x={W - pad} y={y(threshold) - 4} fontSize="10" textAnchor="end" fill="#b42318">threshold</text>
      <text x={4} y={y(1) + 4} fontSize="10" fill="#5a6472">100%</text>
      <text x={4} y={y(0)} fontSize="10" fill="#5a6472">0%</text>
      <path d={path} fill="none" stroke="#2952cc" strokeWidth={2} />
      {points.map((p, i) => <circle key={i} cx={x(p.at)} cy={y(p.score)} r={3.5} fill="#2952cc"><title>{`${p.label}: ${Math.round(p.score * 100)}%`}</title></circle>)}
    </svg>
  );
}
