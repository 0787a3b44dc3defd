import { CATEGORIES, PRODUCT_WORDS, QUERY_WORDS } from '../lib/fixtures.js';
import { hammer, type Result } from '../lib/load.js';

export interface AtomTarget {
  base: string;
  key: string;
  headers: Record<string, string>;
  skillId: string;
  sessionId: string;
  agentId: string;
  workflows: { id: string; secret: string }[];
  stats: string;
  catalogue: number;
  catalogueSeconds: number;
}

/** Authenticated reads and catalogue search (loaded and at low load). */
export async function readScenarios(engine: string, t: AtomTarget): Promise<Result[]> {
  const h = { base: t.base, headers: t.headers, engine };
  let n = 0;
  const MIXED = QUERY_WORDS.flatMap((w, i) => [w, PRODUCT_WORDS[i]!]);
  const search =
    (words: string[], extra = '') =>
    () => ({ path: `/api/public/v1/marketplace/skills?query=${words[n++ % words.length]}${extra}&limit=20` });
  const out: Result[] = [];
  out.push(
    await hammer({ ...h, name: 'agent list (GET /api/agents)', next: () => ({ path: '/api/agents?limit=20' }) }),
  );
  out.push(
    await hammer({
      ...h,
      name: `search ${t.catalogue.toLocaleString('en')} listings (product names and topic words)`,
      next: search(MIXED),
    }),
  );
  out.push({
    ...(await hammer({
      ...h,
      name: 'search, low load: a product name (~12 matches)',
      next: search(PRODUCT_WORDS),
      connections: 1,
    })),
    note: 'p99 target < 20 ms on PostgreSQL',
  });
  out.push({
    ...(await hammer({
      ...h,
      name: 'search, low load: a topic word (~14,000 matches), newest first',
      next: search(QUERY_WORDS),
      connections: 1,
    })),
    note: 'total from the count table, page in date order',
  });
  out.push({
    ...(await hammer({
      ...h,
      name: 'search, low load: a topic word ranked by relevance',
      next: search(QUERY_WORDS, '&sort_by=popularity'),
      connections: 1,
    })),
    note: 'only listings with the word in their name are ranked',
  });
  out.push({
    ...(await hammer({
      ...h,
      name: 'search, low load: a word in every description (100,000 matches) ranked',
      next: search(['automates'], '&sort_by=popularity'),
      connections: 1,
      seconds: 4,
    })),
    note: 'worst case: in no name, every match is ranked',
  });
  out.push({
    ...(await hammer({
      ...h,
      name: 'search + category, low load: topic word',
      next: search(QUERY_WORDS, `&category=${CATEGORIES[1]}`),
      connections: 1,
    })),
  });
  out.push({
    ...(await hammer({
      ...h,
      name: 'browse, low load: no query, by popularity',
      next: () => ({ path: '/api/public/v1/marketplace/skills?sort_by=popularity&limit=20' }),
      connections: 1,
    })),
  });
  return out;
}

/** Writes (agent create, skill install of distinct listings) and function-skill execution. */
export async function writeScenarios(engine: string, t: AtomTarget): Promise<Result[]> {
  const h = { base: t.base, headers: t.headers, engine };
  let n = 0;
  const out: Result[] = [];
  out.push(
    await hammer({
      ...h,
      name: 'agent create (POST /api/agents)',
      next: () => ({
        method: 'POST',
        path: '/api/agents',
        body: JSON.stringify({ name: `bench ${n++}`, role: 'custom', maturity_level: 'student' }),
      }),
    }),
  );
  let i = 0;
  out.push(
    await hammer({
      ...h,
      name: 'skill install (distinct listings)',
      warm: false,
      next: () => ({
        method: 'POST',
        path: '/api/skills/install',
        body: JSON.stringify({ skill_id: `mkt_bench_${1 + (i++ % t.catalogue)}` }),
      }),
    }),
  );
  out.push(
    await hammer({
      ...h,
      name: 'function skill execution (QuickJS worker)',
      connections: 8,
      next: () => ({
        method: 'POST',
        path: `/api/skills/${t.skillId}/execute`,
        body: JSON.stringify({ input: { n: 1 } }),
      }),
    }),
  );
  out.push(...(await agentScenarios(engine, t)));
  return out;
}

/**
 * Agent execution end to end: POST /execute with the embedded planner choosing the trivial Echo
 * skill, filling `n` from the task, the journaled tool call (started, finished),
 * the QuickJS run, the end with its episode and agent.executed event; answered synchronously.
 */
export async function agentScenarios(engine: string, t: AtomTarget): Promise<Result[]> {
  const h = { base: t.base, headers: t.headers, engine };
  return [
    {
      ...(await hammer({
        ...h,
        name: 'agent execution (embedded planner → one function skill)',
        connections: 8,
        next: () => ({
          method: 'POST',
          path: `/api/agents/${t.agentId}/execute`,
          body: JSON.stringify({ task: 'Echo n=1' }),
        }),
      })),
      note: 'the tool call written to the journal as started and finished, then the end with its episode and event',
    },
  ];
}
