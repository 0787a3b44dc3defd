import pg from 'pg';
import { searchSql, type SearchFilter } from '../../src/modules/marketplace/repo.js';
import { APP_ROLE, SET_CONTEXT_SQL } from '../../src/platform/db/database.js';
import { CATEGORIES, PRODUCT_WORDS, QUERY_WORDS } from './fixtures.js';


/**
 * EXPLAIN (ANALYZE, BUFFERS) of the marketplace search on the bench's 100,000-listing catalogue,
 * run as the application role in the platform context, exactly as the server runs it.
 */
export async function explainSearch(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`SET ROLE ${APP_ROLE}`);
    await c.query(SET_CONTEXT_SQL, ['*']);
    const base = { kind: 'skill', viewer: null, sort: 'popularity', limit: 20, offset: 0 } as const;
    const cases: [string, SearchFilter][] = [
      [`full-text query, a product name "${PRODUCT_WORDS[0]}"`, { ...base, query: PRODUCT_WORDS[0] }],
      [`full-text query, a topic word "${QUERY_WORDS[0]}" (about 14,000 matches)`, { ...base, query: QUERY_WORDS[0] }],
      [`full-text query "${QUERY_WORDS[1]}" + category "${CATEGORIES[1]}"`, { ...base, query: QUERY_WORDS[1], category: CATEGORIES[1] }],
      ['browse, no query, sorted by popularity', { ...base }],
    ];
    const parts = ['# EXPLAIN of the marketplace search (100,000 listings, PostgreSQL)', '',
      `${new Date().toISOString()}. The SQL is built by \`src/modules/marketplace/repo.ts\` \`searchSql\` (what \`search\` sends) and run with`,
      `\`EXPLAIN (ANALYZE, BUFFERS)\` as \`${APP_ROLE}\` in the platform context (row level security on), as the server runs it.`, ''];
    for (const [title, f] of cases) {
      const { text, params } = searchSql(f);
      const plan = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      parts.push(`## ${title}`, '', '```sql', text.replace(/\s+/g, ' ').trim(), '```', `params: \`${JSON.stringify(params)}\``, '', '```', plan, '```', '');
    }
    return parts.join('\n');
  } finally {
    await c.end();
  }
}
