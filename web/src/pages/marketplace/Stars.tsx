/** A rating as stars with its number spelled out for screen readers. */
export function Stars({ rating, count }: { rating: number | null; count?: number | null }) {
  if (rating === null) return <span className="muted">no rating</span>;
  const full = Math.round(rating);
  return (
    <span>
      <span className="stars" aria-hidden="true">
        {'★'.repeat(full)}
        {'☆'.repeat(Math.max(0, 5 - full))}
      </span>{' '}
      <span>
        {rating.toFixed(1)}
        {count !== null && count !== undefined ? ` (${count})` : ''}
      </span>
      <span className="sr-only"> out of 5</span>
    </span>
  );
}
