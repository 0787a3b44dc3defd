import pg from 'pg';
import { type SearchFilter, search } from '../../src/modules/marketplace/search.js';
import { APP_ROLE, type Executor, SET_CONTEXT_SQL } from '../../src/platform/db/database.js';
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
    const base = { kind: 'skill', viewer: null, sort: 'created_at', limit: 20, offset: 0 } as const;
    // The publisher owns all 100,000 listings: as the viewer, its own part of a search (listings
    // outside the public catalogue) must not visit them all.
    const [publisher] = (await c.query(`SELECT id FROM tenants WHERE name = 'Bench publisher'`)).rows as {
      id: string;
    }[];
    const [mark] = (
      await c.query(
        `SELECT proleakproof AS leakproof FROM pg_proc WHERE oid =
             'pg_catalog.ts_match_vq(tsvector, tsquery)'::regprocedure`,
      )
    ).rows as { leakproof: boolean }[];
    const cases: [string, SearchFilter][] = [
      [`a product name "${PRODUCT_WORDS[0]}" (13 matches), newest first`, { ...base, query: PRODUCT_WORDS[0] }],
      [
        `a topic word "${QUERY_WORDS[0]}" (14,000 matches), newest first (the public API's default)`,
        { ...base, query: QUERY_WORDS[0] },
      ],
      [
        `"${QUERY_WORDS[1]}" + category "${CATEGORIES[1]}"`,
        { ...base, query: QUERY_WORDS[1], category: CATEGORIES[1] },
      ],
      [
        `a topic word "${QUERY_WORDS[0]}" ranked by relevance (only the listings with it in their name are ranked)`,
        { ...base, sort: 'popularity', query: QUERY_WORDS[0] },
      ],
      [
        `two topic words "${QUERY_WORDS[0]} ${QUERY_WORDS[2]}" ranked by relevance (ranked and counted in one pass)`,
        { ...base, sort: 'popularity', query: `${QUERY_WORDS[0]} ${QUERY_WORDS[2]}` },
      ],
      ['browse, no query, by popularity', { ...base, sort: 'popularity' }],
      ...(publisher
        ? ([
            [
              `the publisher of every listing searches "${PRODUCT_WORDS[0]}", newest first (its own unlisted ` +
                `listings too)`,
              { ...base, viewer: publisher.id, query: PRODUCT_WORDS[0] },
            ],
            [
              `the publisher searches "${QUERY_WORDS[0]}" ranked by relevance`,
              { ...base, viewer: publisher.id, sort: 'popularity', query: QUERY_WORDS[0] },
            ],
          ] as [string, SearchFilter][])
        : []),
    ];
    const parts = [
      '# EXPLAIN of the marketplace search (100,000 listings, PostgreSQL)',
      '',
      `${new Date().toISOString()}. The SQL is built by \`src/modules/marketplace/search.ts\` (what \`search\` ` +
        `sends: the query's words; then a ranked`,
      'page with its count in one statement, or the count, from the count table when it can, and then the page) and ' +
        'run with',
      `\`EXPLAIN (ANALYZE, BUFFERS)\` as \`${APP_ROLE}\` in the platform context (row level security on), as the ` +
        `server runs it.`,
      `\`ts_match_vq\` (the \`@@\` operator) LEAKPROOF in this database: ${mark?.leakproof ? 'yes' : 'no'}.`,
      '',
    ];
    // search() itself runs each case: every statement it sends is explained, then run for its answer,
    // so the plans follow its steps (words, count, name tier, page) whatever they become.
    const explaining: Executor = {
      query: async <T>(text: string, params: readonly unknown[] = []) => {
        const plan = (await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, [...params])).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        parts.push(
          '```sql',
          text.replace(/\s+/g, ' ').trim(),
          '```',
          `params: \`${JSON.stringify(params)}\``,
          '',
          '```',
          plan,
          '```',
          '',
        );
        return (await c.query(text, [...params])).rows as T[];
      },
    };
    for (const [title, f] of cases) {
      parts.push(`## ${title}`, '');
      await search(explaining, f);
    }
    return parts.join('\n');
  } finally {
    await c.end();
  }
}
