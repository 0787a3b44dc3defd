import type { Executor } from '../../platform/db/index.js';
import { iso, PUBLIC } from './repo.js';

/** SQL for reviews (the text side of ratings): lists, helpful votes, publisher responses, flags. */
export interface Review {
  id: string;
  rating: number;
  review: string;
  created_at: string;
  helpful_count: number;
  not_helpful_count: number;
  author_response: string | null;
  author_response_at: string | null;
}
const REVIEW_COLUMNS =
  'r.id, r.rating, r.review, r.created_at, r.helpful_count, r.not_helpful_count, r.author_response, ' +
  'r.author_response_at';
const toReview = (r: Record<string, unknown>): Review => ({
  id: r.id as string,
  rating: Number(r.rating),
  review: (r.review as string | null) ?? '',
  created_at: iso(r.created_at)!,
  helpful_count: Number(r.helpful_count),
  not_helpful_count: Number(r.not_helpful_count),
  author_response: (r.author_response as string | null) ?? null,
  author_response_at: iso(r.author_response_at),
});

export async function reviews(sys: Executor, listingId: string, limit: number, offset: number) {
  const rows = await sys.query(
    `SELECT ${REVIEW_COLUMNS}, count(*) OVER ()::int AS total FROM marketplace_ratings r
     WHERE r.listing_id = $1 AND NOT r.flagged ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3`,
    [listingId, limit, offset],
  );
  return { items: rows.map(toReview), total: rows.length ? Number(rows[0].total) : 0 };
}

/** A review with its listing's owner, if the viewer can see the listing. */
export async function findVisibleReview(
  sys: Executor,
  viewer: string,
  reviewId: string,
): Promise<(Review & { owner: string }) | null> {
  const [row] = await sys.query(
    `SELECT ${REVIEW_COLUMNS}, l.tenant_id AS owner FROM marketplace_ratings r
         JOIN marketplace_listings l ON l.id = r.listing_id
     WHERE r.id = $1 AND NOT r.flagged AND ((l.${PUBLIC.replace(' AND ', ' AND l.')}) OR l.tenant_id = $2)`,
    [reviewId, viewer],
  );
  return row ? { ...toReview(row), owner: row.owner as string } : null;
}

/** One vote per voter; changing a vote moves the count. Returns the review's new counts. */
export async function voteReview(
  ex: Executor,
  tenantId: string,
  reviewId: string,
  voter: string,
  helpful: boolean,
): Promise<Review> {
  const [prev] = await ex.query('SELECT helpful FROM marketplace_review_votes WHERE review_id = $1 AND voter = $2', [
    reviewId,
    voter,
  ]);
  await ex.query(
    `INSERT INTO marketplace_review_votes (tenant_id, review_id, voter, helpful) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, review_id, voter) DO UPDATE SET helpful = EXCLUDED.helpful, created_at = now()`,
    [tenantId, reviewId, voter, helpful],
  );
  const was = prev ? (prev.helpful ? 'helpful' : 'not') : null;
  const up = (k: 'helpful' | 'not') => (helpful === (k === 'helpful') ? 1 : 0) - (was === k ? 1 : 0);
  const [row] = await ex.query(
    `UPDATE marketplace_ratings r SET helpful_count = helpful_count + $2, not_helpful_count = not_helpful_count + $3
         WHERE r.id = $1 RETURNING ${REVIEW_COLUMNS}`,
    [reviewId, up('helpful'), up('not')],
  );
  return toReview(row);
}

export async function respondToReview(ex: Executor, reviewId: string, response: string): Promise<Review> {
  const [row] = await ex.query(
    `UPDATE marketplace_ratings r SET author_response = $2, author_response_at = now() WHERE r.id = $1
         RETURNING ${REVIEW_COLUMNS}`,
    [reviewId, response],
  );
  return toReview(row);
}

/** Flags a review on a listing the viewer can see; returns false when there is no such review. */
export async function flagReview(sys: Executor, viewer: string, reviewId: string): Promise<boolean> {
  const rows = await sys.query(
    `UPDATE marketplace_ratings r SET flagged = true FROM marketplace_listings l
     WHERE r.id = $1 AND l.id = r.listing_id AND ((l.${PUBLIC.replace(' AND ', ' AND l.')}) OR l.tenant_id = $2)
       RETURNING r.id`,
    [reviewId, viewer],
  );
  return rows.length > 0;
}
