import type { Result } from './load.js';

const num = (v: number | null) => (v === null ? '–' : v >= 100 ? String(Math.round(v)) : v.toFixed(1));

/** bench/results.md: one table, each line with its ratio to the bare route of the same run. */
export function report(o: {
  results: Result[];
  bareRate: number;
  machine: string;
  connections: number;
  seconds: number;
  catalogueSeconds: Record<string, number>;
}): string {
  const rows = o.results.map(
    (r) =>
      `| ${r.name} | ${r.engine} | ${num(r.rate)} ${r.unit} | ${num(r.p50)} | ${num(r.p99)} ` +
      `| ${((r.rate / o.bareRate) * 100).toFixed(1)}% | ${r.errors} | ${r.note ?? ''} |`,
  );
  const loads = Object.entries(o.catalogueSeconds)
    .map(([e, s]) => `${e} ${s.toFixed(1)} s`)
    .join(', ');
  return [
    '# Benchmark results',
    '',
    `${new Date().toISOString()} — ${o.machine}`,
    '',
    `autocannon, ${o.connections} connections (1 for "low load"), ${o.seconds} s per target after a 2 s warm-up; ` +
      `the load`,
    'generator, the server, PostgreSQL and Redis share this machine.',
    '',
    '| target | engine | rate | p50 ms | p99 ms | vs bare | errors | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## How to read this',
    '',
    '- **vs bare** divides each rate by the bare Fastify route measured in the same run, so runs on other',
    '  machines compare by ratio. ATOM routes authenticate (API key, cached), count the request in the rate',
    '  limiter (in memory on PGlite, Redis on PostgreSQL), set the tenant context and run SQL under row level',
    '  security; most of the gap to the bare route is that database and Redis round trip on a shared CPU.',
    '- **Search** runs full-text queries over 100,000 approved public listings through the public API:',
    '  product names (each in about 12 listings, what a user who knows what they want types) and topic words',
    '  (each in about 14,000 listings), newest first (the default), ranked by relevance (`sort_by=popularity`',
    '  with a query; a one-word page is ranked among the listings with the word in their name when they are',
    '  enough, else every match is ranked: the worst case, a word in every description and no name), with a',
    '  category, and a browse without a query. The low-load lines (one connection) give the latency a single user ' +
      'sees. Search reads the',
    '  narrow public catalogue and its per-word counts (docs/decisions.md); plans: [explain.md](explain.md).',
    '- **Writes** create agents (each in a transaction with its outbox event) and install distinct listings.',
    '- **Skill execution** runs on the pool of warm worker threads, a fresh QuickJS runtime per run.',
    '- **Webhook deliveries** go end to end: API write → outbox → job → signed POST to a loopback receiver.',
    '- **SSE fan-out** counts chat events (steps, tokens, messages, status) delivered to every subscriber;',
    "  its latency is from the event row's creation to receipt.",
    '- **Workflow runs** go through the webhook trigger of an activated trigger → transform → output workflow:',
    '  each call is signed (Standard Webhooks headers, a fresh id and timestamp per call) and verified, rate',
    "  limited per workflow (the tenant's per-minute limit raised out of the way), counted against the daily",
    '  quota and written as a run with its watchdog job in one transaction, then answered 202; the run goes on',
    '  in the same process. "Accepted" is the 202s autocannon saw; "completed end to end" counts, from the API',
    '  afterwards, the runs that reached completed, from the first call to the last finished_at.',
    `- Catalogue load (100,000 rows, one INSERT … SELECT): ${loads}.`,
    '',
  ].join('\n');
}
