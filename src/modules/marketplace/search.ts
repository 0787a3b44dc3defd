import { type Executor, PLAN_PER_CALL } from '../../platform/db/index.js';
import { COLUMNS, type Listing, type ListingKind, toListing } from './repo.js';

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

type SortKey =
  | 'installs'
  | 'rating_count'
  | 'rating_avg'
  | 'created_at'
  | 'updated_at'
  | 'sort_name'
  | 'price'
  | 'rank';
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

type Source = { from: string; alias: string; key: (k: SortKey, tsq: string) => string };

/** Where a visible listing is found, and how each place names a sort key. */
const CATALOGUE: Source = {
  from: 'marketplace_catalogue c',
  alias: 'c',
  key: (k, tsq) => (k === 'rank' ? `ts_rank(c.search, ${tsq})` : `c.${k}`),
};
const OWN: Source = {
  from: 'marketplace_listings l',
  alias: 'l',
  key: (k, tsq) =>
    k === 'rank'
      ? `ts_rank(l.search, ${tsq})`
      : k === 'rating_avg'
        ? `CASE WHEN l.rating_count > 0 THEN l.rating_sum::float8 / l.rating_count ELSE 0 END`
        : k === 'sort_name'
          ? 'lower(l.name)'
          : `l.${k}`,
};

type Condition = { catalogue: string; own: string };

/** Each filter other than the query, as a condition on the catalogue and on the viewer's own listings. */
function conditions(f: SearchFilter, p: (v: unknown) => string): Condition[] {
  const both = (sql: string, v: unknown): Condition => {
    const at = p(v);
    return { catalogue: `c.${sql.replace('?', at)}`, own: `l.${sql.replace('?', at)}` };
  };
  const out: Condition[] = [];
  if (f.category) out.push(both('category = ?', f.category));
  if (f.tags?.length) out.push(both('tags && ?', f.tags));
  if (f.subtype) out.push(both('subtype = ?', f.subtype));
  if (f.contentMatch && Object.keys(f.contentMatch).length) {
    const at = p(JSON.stringify(f.contentMatch));
    out.push({
      catalogue: `EXISTS (SELECT 1 FROM marketplace_listings x WHERE x.id = c.id AND x.content @> ${at}::jsonb)`,
      own: `l.content @> ${at}::jsonb`,
    });
  }
  if (f.minRating !== undefined) {
    const at = p(f.minRating);
    out.push({ catalogue: `c.rating_avg >= ${at}`, own: `${OWN.key('rating_avg', '')} >= ${at}` });
  }
  if (f.minPrice !== undefined) out.push(both('price >= ?', f.minPrice));
  if (f.maxPrice !== undefined) out.push(both('price <= ?', f.maxPrice));
  if (f.featured) out.push({ catalogue: 'c.featured', own: 'l.featured' });
  return out;
}

/**
 * Whether the count table can give the catalogue's part of the total: no filter it cannot apply
 * (the catalogue is all public, so only a request for private listings rules it out).
 */
const countable = (f: SearchFilter) => conditions(f, () => '').length === 0 && f.marketplaceType !== 'private';

type Statement = { text: string; params: unknown[] };
/** names: read only catalogue listings whose name holds the query's word (see nameTierSql). */
type Tier = { names?: boolean };
type Place = { src: Source; where: () => string[] };
/** The parts every statement of one search shares: its parameters, places and order. */
function parts(f: SearchFilter, tier: Tier = {}) {
  const params: unknown[] = [f.kind];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Parameters a statement may not use (the count table needs neither) are added when first used:
  // PostgreSQL refuses a parameter whose type nothing in the statement tells.
  const once = (make: () => string) => {
    let v: string | undefined;
    return () => (v ??= make());
  };
  const tsq = f.query ? once(() => `plainto_tsquery('english', ${p(f.query)})`) : null;
  const type = f.marketplaceType ? once(() => p(f.marketplaceType)) : null;
  const filters = conditions(f, p);
  const places: Place[] = [
    {
      src: CATALOGUE,
      // The catalogue holds public listings only.
      where: () => [
        'c.kind = $1',
        ...(tsq ? [`c.${tier.names ? 'name_search' : 'search'} @@ ${tsq()}`] : []),
        ...filters.map((c) => c.catalogue),
        ...(type ? [`${type()} = 'public'`] : []),
      ],
    },
  ];
  if (f.viewer !== null) {
    const own = [
      `l.tenant_id = ${p(f.viewer)}`,
      'l.kind = $1',
      `l.status <> 'unpublished'`,
      `NOT (l.status = 'approved' AND l.marketplace_type = 'public')`,
    ];
    places.push({
      src: OWN,
      where: () => [
        ...own,
        ...(tsq ? [`l.search @@ ${tsq()}`] : []),
        ...(type ? [`l.marketplace_type = ${type()}`] : []),
        ...filters.map((c) => c.own),
      ],
    });
  }
  const keys = KEYS[ranked(f) ? 'relevance' : f.sort === 'relevance' ? 'created_at' : f.sort];
  const dir = f.direction === 'asc' ? 'ASC' : 'DESC';
  const keyOf = (src: Source, k: SortKey) => src.key(k, k === 'rank' && tsq ? tsq() : '');
  return {
    params,
    places,
    p,
    /** The page's order over the merged rows (`at` = '' or 'page.'), or over one place's columns. */
    order: (at: string, src?: Source) =>
      `${keys.map((k) => `${src ? keyOf(src, k) : at + k} ${dir}`).join(', ')}, ${src ? `${src.alias}.` : at}id`,
    select: (src: Source) => `${src.alias}.id, ${keys.map((k) => `${keyOf(src, k)} AS ${k}`).join(', ')}`,
    from: ({ src, where }: Place) => `FROM ${src.from} WHERE ${where().join(' AND ')}`,
    page: () => `LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
    full: (page: string, extra = '') => `${PLAN_PER_CALL} SELECT ${COLUMNS.split(',')
      .map((c) => `m.${c.trim()}`)
      .join(', ')}${extra}
      FROM (${page}) page JOIN marketplace_listings m ON m.id = page.id ORDER BY `,
  };
}

/** A query sorted by popularity (or by relevance) is ordered by ts_rank. */
export const ranked = (f: SearchFilter) => !!f.query && (f.sort === 'popularity' || f.sort === 'relevance');

/**
 * The statement that finds a query's words (the same parse as plainto_tsquery), when its single word could be looked
 * up.
 */
export function wordsSql(f: SearchFilter): Statement | null {
  if (!f.query || !countable(f)) return null;
  return { text: `SELECT tsvector_to_array(to_tsvector('english', $1)) AS lexemes`, params: [f.query] };
}

/** The query's only word (lexeme), when it has exactly one. */
export type Words = { term?: string };

/**
 * How many listings the viewer may see that match the filter. The catalogue's part of a browse
 * or a one-word query is one row of marketplace_catalogue_counts; otherwise matches are counted.
 */
export function countSql(f: SearchFilter, words: Words = {}): Statement {
  const q = parts(f);
  const term = f.query ? words.term : '';
  const counts = q.places.map((s, i) =>
    i === 0 && countable(f) && term !== undefined
      ? `coalesce((SELECT listings FROM marketplace_catalogue_counts WHERE kind = $1 AND lexeme = ${q.p(term)}), 0)`
      : `(SELECT count(*) ${q.from(s)})`,
  );
  return { params: q.params, text: `${PLAN_PER_CALL} SELECT ${counts.join(' + ')} AS total` };
}

/**
 * Below this many matches a page is read from the matches (found through the text index or a
 * filter, then sorted); above it, in the order of a sort index until the page is full. Chosen
 * from the exact count rather than the planner's guess, which for a rare word is off by 40 times
 * and made it walk the whole catalogue in date order.
 */
export const FEW_MATCHES = 1_000;

/** How many rows a page reaches into the results. */
const depth = (f: SearchFilter) => Math.trunc(Number(f.limit) + Number(f.offset));

/**
 * Whether a one-word ranked page can be read from the listings with the word in their name alone.
 * With ts_rank's default weights (A 1.0, B 0.4, C 0.2, D 0.1), a listing holding the word with
 * weight A (its name) ranks at least 1/1.645 = 0.608, and one without at most (0.4 + 0.364)/1.645
 * = 0.464 (calc_rank_or in PostgreSQL's tsrank.c: the best weight plus the others' weight over
 * their position squared, over pi^2/6). So when offset+limit catalogue listings hold it in their
 * name, the page is among them and only they are ranked, not every match of a common word.
 */
export function nameTierSql(f: SearchFilter): Statement {
  return {
    text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM marketplace_catalogue c WHERE c.kind = $1
      AND c.name_search @@ plainto_tsquery('english', $2) LIMIT ${depth(f)}) x`,
    params: [f.kind, f.query],
  };
}

/** One page, given the total the count found. */
export function pageSql(f: SearchFilter, total: number, tier: Tier = {}): Statement {
  const q = parts(f, tier);
  const limit = q.page();
  const fromMatches = total <= FEW_MATCHES || depth(f) > total / 4;
  const hits = fromMatches
    ? // Materialized: the matches are found first, whatever the planner guesses of their number.
      `WITH hits AS MATERIALIZED (${q.places.map((s) => `SELECT ${q.select(s.src)} ${q.from(s)}`).join(' UNION ALL ')})
       SELECT * FROM hits ORDER BY ${q.order('')} ${limit}`
    : // Each place gives its first offset+limit rows in its index order; they are merged.
      `SELECT * FROM (${q.places
        .map(
          (s) => `(SELECT ${q.select(s.src)} ${q.from(s)} ORDER BY ${q.order('', s.src)}
       LIMIT ${depth(f)})`,
        )
        .join(' UNION ALL ')}) hits ORDER BY ${q.order('')} ${limit}`;
  return { params: q.params, text: q.full(hits) + q.order('page.') };
}

/** A page ranked by ts_rank over every match, with the total counted in the same pass. */
export function rankedSql(f: SearchFilter): Statement {
  const q = parts(f);
  const hits = q.places.map((s) => `SELECT ${q.select(s.src)} ${q.from(s)}`).join(' UNION ALL ');
  const page = `SELECT *, count(*) OVER () AS total FROM (${hits}) hits ORDER BY ${q.order('')} ${q.page()}`;
  return { params: q.params, text: q.full(page, ', page.total') + q.order('page.') };
}

/**
 * The total comes first when it is one row of the count table (a browse, or a one-word query
 * without other filters) and decides how the page is read (a one-word ranked page from the names
 * alone when they hold enough matches); another ranked query ranks every match and counts them in
 * the same pass; any other query is counted, then paged.
 */
export async function search(sys: Executor, f: SearchFilter): Promise<{ items: Listing[]; total: number }> {
  const words: Words = {};
  const ask = wordsSql(f);
  if (ask) {
    const [{ lexemes }] = await sys.query<{ lexemes: string[] }>(ask.text, ask.params);
    if (lexemes.length === 1) words.term = lexemes[0];
  }
  if (ranked(f) && words.term === undefined) {
    const { text, params } = rankedSql(f);
    const rows = await sys.query(text, params);
    if (rows.length || f.offset === 0)
      return { items: rows.map(toListing), total: rows.length ? Number(rows[0].total) : 0 };
  }
  const count = countSql(f, words);
  const total = Number((await sys.query<{ total: number }>(count.text, count.params))[0].total);
  if (total === 0 || f.offset >= total) return { items: [], total };
  const tier: Tier = {};
  if (ranked(f) && words.term !== undefined) {
    const names = nameTierSql(f);
    tier.names = (await sys.query<{ n: number }>(names.text, names.params))[0].n >= depth(f);
  }
  const { text, params } = pageSql(f, total, tier);
  return { items: (await sys.query(text, params)).map(toListing), total };
}
