/**
 * Lists come back as a `Page`: an array of the items (so `page.length`, `page[0]`, `for…of` work)
 * that also carries `items`, `total`, `page`, `limit`, `offset` and `hasMore`. `paginate()` walks
 * every page as an async iterator.
 */
export class Page<T> extends Array<T> {
  total: number | undefined = undefined;
  page: number | undefined = undefined;
  limit: number | undefined = undefined;
  offset: number | undefined = undefined;
  hasMore = false;

  /** The items as a plain array (the seeds read `response.items`). */
  get items(): T[] {
    return Array.from(this);
  }

  static fromItems<T>(
    items: T[],
    info: Partial<Pick<Page<T>, 'total' | 'page' | 'limit' | 'offset' | 'hasMore'>> = {},
  ): Page<T> {
    const page = new Page<T>();
    page.push(...items);
    Object.assign(page, info);
    return page;
  }

  /** `map`, `filter`… build plain arrays, not pages. */
  static get [Symbol.species]() {
    return Array;
  }
}

const LIST_KEYS = [
  'items',
  'data',
  'agents',
  'skills',
  'components',
  'domains',
  'templates',
  'workflows',
  'installations',
  'webhooks',
  'executions',
  'results',
  'ratings',
  'reviews',
];

/**
 * A page from any of the server's list shapes: `{items,total,limit,offset,has_more}`,
 * `{agents:[…], pagination:{page,limit,total,pages}}`, `{skills:[…], total}`, or a bare array.
 */
export function toPage<T>(body: unknown, convert: (v: unknown) => T = (v) => v as T): Page<T> {
  if (Array.isArray(body)) return Page.fromItems(body.map(convert), { total: body.length, hasMore: false });
  const b = (body ?? {}) as Record<string, unknown>;
  const key = LIST_KEYS.find((k) => Array.isArray(b[k])) ?? Object.keys(b).find((k) => Array.isArray(b[k]));
  const items = key ? (b[key] as unknown[]).map(convert) : [];
  const p = (b.pagination ?? {}) as Record<string, unknown>;
  const num = (...vs: unknown[]) => vs.find((v): v is number => typeof v === 'number');
  const total = num(b.total, p.total, b.count);
  const page = num(b.page, p.page);
  const limit = num(b.limit, p.limit, b.page_size);
  const offset =
    num(b.offset, p.offset) ?? (page !== undefined && limit !== undefined ? (page - 1) * limit : undefined);
  let hasMore = typeof b.has_more === 'boolean' ? b.has_more : false;
  if (typeof b.has_more !== 'boolean') {
    if (typeof p.pages === 'number' && page !== undefined) hasMore = page < p.pages;
    else if (total !== undefined && offset !== undefined) hasMore = offset + items.length < total;
    else if (limit !== undefined) hasMore = items.length >= limit;
  }
  return Page.fromItems(items, { total, page, limit, offset, hasMore });
}

/**
 * Every item of a paginated list. `fetchPage(pageNumber, offset)` is called with page 1, 2, …
 * (and the matching offset) until a page says it has no more, or comes back empty.
 */
export async function* paginate<T>(
  fetchPage: (page: number, offset: number) => Promise<Page<T>>,
  maxPages = Infinity,
): AsyncGenerator<T, void, undefined> {
  let offset = 0;
  for (let n = 1; n <= maxPages; n += 1) {
    const page = await fetchPage(n, offset);
    for (const item of page) yield item;
    offset += page.length;
    if (!page.hasMore || page.length === 0) return;
  }
}
