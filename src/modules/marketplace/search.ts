import { PLAN_PER_CALL, type Executor } from '../../platform/db/index.js';
import { COLUMNS, toListing, type Listing, type ListingKind } from './repo.js';

/**
 * Marketplace search: what a viewer may see is the public catalogue (every approved public
 * listing, copied narrow into marketplace_catalogue by a trigger) plus the viewer's own live
 * listings that are not in it (drafts, pending, rejected, private). Both are matched, counted and
 * ordered over narrow rows; only the page's rows are then read whole from marketplace_listings.
 */
export interface SearchFilter {
  kind: ListingKind;
  viewer: string | null;
  query?: string;
  category?: string;
  tags?: string[];
  subtype?: string;
  /** jsonb containment on the listing content, e.g. `{capabilities: ['sales']}` (optional). */
  contentMatch?: Record<string, unknown>;
  minRating?: number;
  marketplaceType?: 'public' | 'private';
  sort: 'popularity' | 'rating' | 'installs' | 'created_at' | 'relevance' | 'updated_at' | 'name' | 'price';
  limit: number;
  offset: number;
  minPrice?: number;
  maxPrice?: number;
  featured?: boolean;
  /** Reverses the sort (default descending; name defaults to ascending). */
  direction?: 'asc' | 'desc';
}

type SortKey = 'installs' | 'rating_count' | 'rating_avg' | 'created_at' | 'updated_at' | 'sort_name' | 'price' | 'rank';
const KEYS: Record<SearchFilter['sort'], SortKey[]> = {
  popularity: ['installs', 'rating_count'],
  installs: ['installs'],
  rating: ['rating_avg', 'rating_count'],
  created_at: ['created_at'],
  relevance: ['rank'],
  updated_at: ['updated_at'],
  name: ['sort_name'],
  price: ['price'],
};

/** The two places a visible listing is found, and how each names a sort key. */
const CATALOGUE = { from: 'marketplace_catalogue c', alias: 'c', key: (k: SortKey, tsq: string) => (k === 'rank' ? `ts_rank(c.search, ${tsq})` : `c.${k}`) };
const OWN = {
  from: 'marketplace_listings l',
  alias: 'l',
  key: (k: SortKey, tsq: string) =>
    k === 'rank' ? `ts_rank(l.search, ${tsq})`
    : k === 'rating_avg' ? `CASE WHEN l.rating_count > 0 THEN l.rating_sum::float8 / l.rating_count ELSE 0 END`
    : k === 'sort_name' ? 'lower(l.name)'
    : `l.${k}`,
};

/** Each filter as [condition on the catalogue, condition on the viewer's own listings]. */
function conditions(f: SearchFilter, p: (v: unknown) => string, tsq: string | null): [string, string][] {
  const both = (sql: string, v: unknown): [string, string] => { const at = p(v); return [`c.${sql.replace('?', at)}`, `l.${sql.replace('?', at)}`]; };
  const out: [string, string][] = [];
  if (tsq) out.push([`c.search @@ ${tsq}`, `l.search @@ ${tsq}`]);
  if (f.category) out.push(both('category = ?', f.category));
  if (f.tags?.length) out.push(both('tags && ?', f.tags));
  if (f.subtype) out.push(both('subtype = ?', f.subtype));
  if (f.contentMatch && Object.keys(f.contentMatch).length) {
    const at = p(JSON.stringify(f.contentMatch));
    out.push([`EXISTS (SELECT 1 FROM marketplace_listings x WHERE x.id = c.id AND x.content @> ${at}::jsonb)`, `l.content @> ${at}::jsonb`]);
  }
  if (f.minRating !== undefined) { const at = p(f.minRating); out.push([`c.rating_avg >= ${at}`, `${OWN.key('rating_avg', '')} >= ${at}`]); }
  if (f.marketplaceType) { const at = p(f.marketplaceType); out.push([`${at} = 'public'`, `l.marketplace_type = ${at}`]); }
  if (f.minPrice !== undefined) out.push(both('price >= ?', f.minPrice));
  if (f.maxPrice !== undefined) out.push(both('price <= ?', f.maxPrice));
  if (f.featured) out.push(['c.featured', 'l.featured']);
  return out;
}

type Statement = { text: string; params: unknown[] };
type Source = { src: typeof OWN; where: string[] };

/** The parts every statement of one search shares: its parameters, sources and order. */
function parts(f: SearchFilter) {
  const params: unknown[] = [f.kind];
  const p = (v: unknown) => { params.push(v); return `$${params.length}`; };
  const tsq = f.query ? `plainto_tsquery('english', ${p(f.query)})` : null;
  const filters = conditions(f, p, tsq);
  const sources: Source[] = [{ src: CATALOGUE, where: ['c.kind = $1', ...filters.map(([c]) => c)] }];
  if (f.viewer !== null) {
    const own = [`l.tenant_id = ${p(f.viewer)}`, 'l.kind = $1', `l.status <> 'unpublished'`, `NOT (l.status = 'approved' AND l.marketplace_type = 'public')`];
    sources.push({ src: OWN, where: [...own, ...filters.map(([, o]) => o)] });
  }
  const keys = KEYS[ranked(f) ? 'relevance' : f.sort === 'relevance' ? 'created_at' : f.sort];
  const dir = f.direction === 'asc' ? 'ASC' : 'DESC';
  const keyOf = (src: typeof OWN, k: SortKey) => src.key(k, tsq ?? '');
  return {
    params, sources,
    /** The page's order over the merged rows (`at` = '' or 'page.'), or over one source's columns. */
    order: (at: string, src?: typeof OWN) => `${keys.map((k) => `${src ? keyOf(src, k) : at + k} ${dir}`).join(', ')}, ${src ? src.alias + '.' : at}id`,
    select: (src: typeof OWN) => `${src.alias}.id, ${keys.map((k) => `${keyOf(src, k)} AS ${k}`).join(', ')}`,
    from: ({ src, where }: Source) => `FROM ${src.from} WHERE ${where.join(' AND ')}`,
    page: () => `LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
    full: (page: string, extra = '') => `${PLAN_PER_CALL} SELECT ${COLUMNS.split(',').map((c) => `m.${c.trim()}`).join(', ')}${extra}
      FROM (${page}) page JOIN marketplace_listings m ON m.id = page.id ORDER BY `,
  };
}

/** A query sorted by popularity (or by relevance) is ordered by ts_rank. */
export const ranked = (f: SearchFilter) => !!f.query && (f.sort === 'popularity' || f.sort === 'relevance');

/** How many listings the viewer may see that match the filter. */
export function countSql(f: SearchFilter): Statement {
  const q = parts(f);
  return { params: q.params, text: `${PLAN_PER_CALL} SELECT ${q.sources.map((s) => `(SELECT count(*) ${q.from(s)})`).join(' + ')} AS total` };
}

/**
 * Below this many matches a page is read from the matches (found through the text index or a
 * filter, then sorted); above it, in the order of a sort index until the page is full. Chosen
 * from the exact count rather than the planner's guess, which for a rare word is off by 40 times
 * and made it walk the whole catalogue in date order.
 */
export const FEW_MATCHES = 1_000;

/** One page of a sorted search (not ranked), given the total the count found. */
export function pageSql(f: SearchFilter, total: number): Statement {
  const q = parts(f);
  const limit = q.page();
  const fromMatches = total <= FEW_MATCHES || f.offset + f.limit > total / 4;
  const hits = fromMatches
    // Materialized: the matches are found first, whatever the planner guesses of their number.
    ? `WITH hits AS MATERIALIZED (${q.sources.map((s) => `SELECT ${q.select(s.src)} ${q.from(s)}`).join(' UNION ALL ')})
       SELECT * FROM hits ORDER BY ${q.order('')} ${limit}`
    // Each source gives its first offset+limit rows in its index order; they are merged.
    : `SELECT * FROM (${q.sources.map((s) => `(SELECT ${q.select(s.src)} ${q.from(s)} ORDER BY ${q.order('', s.src)}
       LIMIT ${Math.trunc(Number(f.limit) + Number(f.offset))})`).join(' UNION ALL ')}) hits ORDER BY ${q.order('')} ${limit}`;
  return { params: q.params, text: q.full(hits) + q.order('page.') };
}

/** One page ranked by relevance, with the total counted in the same pass (ranking reads every match). */
export function rankedSql(f: SearchFilter): Statement {
  const q = parts(f);
  const hits = q.sources.map((s) => `SELECT ${q.select(s.src)} ${q.from(s)}`).join(' UNION ALL ');
  const page = `SELECT *, count(*) OVER () AS total FROM (${hits}) hits ORDER BY ${q.order('')} ${q.page()}`;
  return { params: q.params, text: q.full(page, ', page.total') + q.order('page.') };
}

export async function search(sys: Executor, f: SearchFilter): Promise<{ items: Listing[]; total: number }> {
  if (ranked(f)) {
    const { text, params } = rankedSql(f);
    const rows = await sys.query(text, params);
    if (rows.length || f.offset === 0) return { items: rows.map(toListing), total: rows.length ? Number(rows[0].total) : 0 };
  }
  const count = countSql(f);
  const [{ total }] = await sys.query<{ total: number }>(count.text, count.params);
  if (Number(total) === 0 || f.offset >= Number(total)) return { items: [], total: Number(total) };
  const { text, params } = pageSql(f, Number(total));
  return { items: (await sys.query(text, params)).map(toListing), total: Number(total) };
}
