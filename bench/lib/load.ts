import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

export interface Result {
  name: string;
  engine: string;
  rate: number;
  unit: string;
  p50: number | null;
  p99: number | null;
  errors: number;
  note?: string;
  /** Requests (or deliveries) in the measured part, and the round trips counted over it (hot run). */
  count?: number;
  trips?: { pg: number; redis: number };
}

type Req = { method?: string; path: string; body?: string; headers?: Record<string, string> };

/** autocannon against `base`: `next()` gives each request (so paths or bodies can vary); a 2 s warm-up first. */
export async function hammer(o: {
  name: string;
  engine: string;
  base: string;
  headers: Record<string, string>;
  next: () => Req;
  connections?: number;
  seconds?: number;
  warm?: boolean;
}): Promise<Result> {
  const run = (duration: number) =>
    autocannon({
      url: o.base,
      connections: o.connections ?? CONNECTIONS,
      duration,
      headers: o.headers,
      requests: [
        {
          setupRequest: (req: any) => {
            const r = o.next();
            // A content type only with a body: Fastify refuses an empty JSON body.
            const headers = { ...req.headers, ...r.headers };
            return {
              ...req,
              method: r.method ?? 'GET',
              path: r.path,
              body: r.body,
              headers: r.body ? { ...headers, 'content-type': 'application/json' } : headers,
            };
          },
        },
      ],
    } as autocannon.Options);
  step(`${o.engine}: ${o.name}`);
  if (o.warm !== false) await run(2);
  const r = await run(o.seconds ?? SECONDS);
  return {
    name: o.name,
    engine: o.engine,
    rate: r.requests.average,
    unit: 'req/s',
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    count: r.requests.total,
  };
}

/** Progress on stderr, so a long run shows where it is. */
export const step = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
