import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/platform/context.js';
import { SYSTEM } from '../../src/platform/db/index.js';

export const CATALOGUE = 100_000;
const WORDS = [
  'invoice',
  'email',
  'calendar',
  'report',
  'summary',
  'sales',
  'lead',
  'crm',
  'csv',
  'json',
  'pdf',
  'translate',
  'sentiment',
  'forecast',
  'budget',
  'payroll',
  'ticket',
  'support',
  'slack',
  'github',
  'deploy',
  'monitor',
  'alert',
  'weather',
  'stock',
  'crypto',
  'image',
  'resize',
  'ocr',
  'search',
  'scrape',
  'schedule',
  'meeting',
  'notes',
  'contract',
  'legal',
  'compliance',
  'audit',
  'security',
  'backup',
  'database',
  'query',
  'chart',
  'dashboard',
  'marketing',
  'campaign',
  'seo',
  'blog',
  'social',
  'video',
];
export const CATEGORIES = ['productivity', 'sales', 'finance', 'support', 'developer', 'marketing', 'data', 'security'];
/** Topic words: each is in about 14,000 of the 100,000 listings (the worst case for ranking). */
export const QUERY_WORDS = ['invoice', 'sentiment', 'dashboard', 'payroll', 'github'];
/**
 * Product names: three syllables each, 8,000 distinct names, each in 12 or 13 listings; what a
 * user who knows what they want types. `productName(g)` is the name listing g gets (same as the SQL).
 */
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ru',
  'ze',
  'ta',
  'vo',
  'ni',
  'pe',
  'shu',
  'dra',
  'fen',
  'gol',
  'bri',
  'cas',
  'tor',
  'vex',
  'qui',
  'sol',
  'mar',
];
export const productName = (g: number) =>
  SYLLABLES[g % 20]! + SYLLABLES[Math.floor(g / 20) % 20]! + SYLLABLES[Math.floor(g / 400) % 20]!;
export const PRODUCT_WORDS = [1234, 5678, 23456, 45678, 67890, 88888, 97531].map(productName);

type Inject = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<any>;
export function injector(app: FastifyInstance, key: string): Inject {
  return async (method, url, body, headers = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { 'x-api-key': key, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.json();
  };
}

/**
 * 100,000 approved public skill listings from another tenant, with names and descriptions drawn
 * from a word list (deterministic ids `mkt_bench_<n>`, so the bench can install distinct ones).
 */
export async function insertCatalogue(ctx: AppContext, publisherTenantId: string): Promise<void> {
  const w = `(ARRAY['${WORDS.join("','")}'])`;
  const c = `(ARRAY['${CATEGORIES.join("','")}'])`;
  const s = `(ARRAY['${SYLLABLES.join("','")}'])`;
  const pick = (arr: string, n: number, salt: number) => `${arr}[1 + ((g * ${salt} + ${n}) % array_length(${arr}, 1))]`;
  await ctx.db.query(
    SYSTEM,
    `INSERT INTO marketplace_listings (tenant_id, id, kind, name, description, long_description, category, subtype,
         tags, price, marketplace_type, status,
       content, installs, rating_sum, rating_count, approved_at)
     SELECT $1, 'mkt_bench_' || g, 'skill',
       initcap(${s}[1 + g % 20] || ${s}[1 + (g / 20) % 20] || ${s}[1 + (g / 400) % 20]) || ' ' || ${pick(w, 0, 7)} ||
         ' ' || ${pick(w, 3, 13)} || ' ' || g,
       'Automates ' || ${pick(w, 5, 17)} || ' and ' || ${pick(w, 11, 23)} || ' tasks',
       'Long description about ' || ${pick(w, 2, 29)} || ', ' || ${pick(w, 9, 31)} || ' and ' || ${pick(w, 4, 37)},
       ${pick(c, 0, 3)}, 'function', ARRAY[${pick(w, 1, 41)}, ${pick(w, 6, 43)}], (g % 5) * 5, 'public', 'approved',
       jsonb_build_object('code', 'function execute(i) { return i; }', 'input_schema', '{}'::jsonb), g % 1000, (g %
         5) * (g % 40), g % 40, now()
     FROM generate_series(1, ${CATALOGUE}) g`,
    [publisherTenantId],
  );
  // What autovacuum does after a bulk load (statistics, visibility map), done now so the run does
  // not depend on when it wakes up.
  await ctx.db.query(SYSTEM, 'VACUUM ANALYZE marketplace_listings');
  await ctx.db.query(SYSTEM, 'VACUUM ANALYZE marketplace_catalogue');
}
