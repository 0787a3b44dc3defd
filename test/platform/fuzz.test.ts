import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { ADMIN_KEY, startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * Hostile input over every operation the OpenAPI document lists: each path, query and body field
 * gets NUL bytes, overlong strings, wrong types, huge numbers, deep arrays, and whole bodies are cut
 * off or of the wrong type. No answer may be a 5xx, and every non-2xx answer is the error envelope.
 * Deterministic (seeded PRNG) and bounded (a sample of mutations per field, a cap per operation).
 */

/** Operations that stream until their subject ends: a plausible id would hold the request open. */
const SKIPPED: Record<string, string> = {
  'GET /api/agents/{id}/executions/{execution_id}/stream': 'SSE: streams until the execution ends',
  'GET /api/workflow-runs/{id}/stream': 'SSE: streams until the run ends',
  'GET /api/chat/stream': 'SSE: streams a chat session until the client leaves',
  'GET /api/mcp': 'SSE: the MCP server-to-client stream stays open',
};

/** JSON-RPC transports: their errors are JSON-RPC error objects by protocol (MCP Streamable HTTP). */
const ENVELOPE_EXEMPT: Record<string, string> = {
  'POST /api/mcp': 'MCP Streamable HTTP answers JSON-RPC errors, as MCP clients expect',
  'DELETE /api/mcp': 'MCP Streamable HTTP answers JSON-RPC errors, as MCP clients expect',
};

const SEED = 0x5eed_2026;
/** Mutations per field and cases per operation; raise them (FUZZ_PER_FIELD=20 FUZZ_MAX_CASES=1000) for a full sweep. */
const PER_FIELD = Number(process.env.FUZZ_PER_FIELD ?? 3);
const MAX_CASES_PER_OP = Number(process.env.FUZZ_MAX_CASES ?? 48);

/** mulberry32: small, fast, and the same sequence on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

function deref(doc: Doc, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; cur.$ref && i < 10; i++) cur = doc.components?.schemas?.[String(cur.$ref).split('/').pop()!] ?? {};
  return cur;
}

/** A value the schema accepts, as far as a generic generator can tell (formats, enums, minimums). */
function sample(doc: Doc, raw: Schema | undefined, depth = 0): unknown {
  const s = deref(doc, raw);
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const branch = s.anyOf ?? s.oneOf;
  if (branch) return sample(doc, branch.find((b: Schema) => deref(doc, b).type !== 'null') ?? branch[0], depth);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((b: Schema) => sample(doc, b, depth)));
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'uri' || s.format === 'url') return 'http://127.0.0.1:9/fuzz';
      if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (s.format === 'date') return '2026-01-01';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      const base = 'fuzz-value';
      return s.minLength > base.length
        ? base.padEnd(s.minLength, 'x')
        : s.maxLength < base.length
          ? base.slice(0, s.maxLength)
          : base;
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 1);
    case 'boolean':
      return true;
    case 'array':
      return depth > 3 ? [] : Array.from({ length: s.minItems ?? 0 }, () => sample(doc, s.items, depth + 1));
    default: {
      if (type !== 'object' && !s.properties) return 'fuzz-value';
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) if (depth < 4) out[k] = sample(doc, s.properties?.[k], depth + 1);
      return out;
    }
  }
}

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const LONG = 'x'.repeat(100_000);

/** Hostile values for a query or path value, already URL-encoded. */
const URL_VALUES = [
  'a%00b',
  '%00',
  LONG,
  '99999999999999999999',
  '1e309',
  '-1',
  '1.5',
  'abc',
  '',
  '%ZZ',
  '..%2F..%2Fetc',
  '%F0%9F%92%A9',
];
/** Hostile JSON values for a body field, as raw JSON text (1e309 and 20 digits survive only so). */
const BODY_VALUES = [
  '"a\\u0000b"',
  '"\\u0000"',
  JSON.stringify(LONG),
  '99999999999999999999',
  '1e309',
  '-1e309',
  '-1',
  '1.5',
  '12345',
  'true',
  'null',
  '{}',
  '[]',
  '{"k\\u0000":"v"}',
  deepArray(2000),
  `[${'"x",'.repeat(2000)}"x"]`,
];
/** Whole bodies that are not what any JSON route expects. */
const WHOLE_BODIES = [
  '{"name":"cut',
  '{',
  '[]',
  '"x"',
  'null',
  '1e309',
  '',
  deepArray(5000),
  '{"\\u0000":1}',
  '\u0000',
];

interface Case {
  label: string;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
}

function pick<T>(rand: () => number, list: T[], n: number): T[] {
  const copy = [...list];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]);
  return out;
}

function casesFor(
  doc: Doc,
  method: string,
  path: string,
  op: any,
  plausible: (name: string, path: string) => string,
  rand: () => number,
): Case[] {
  const params = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const fill = (over: Record<string, string> = {}) =>
    path.replace(/\{([^}]+)\}/g, (_m, n) => over[n] ?? encodeURIComponent(plausible(n, path)));
  const baseQuery: Record<string, string> = {};
  for (const q of queryParams) if (q.required) baseQuery[q.name] = encodeURIComponent(String(sample(doc, q.schema)));
  const qs = (over: Record<string, string> = {}) => {
    const all = { ...baseQuery, ...over };
    const s = Object.entries(all)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return s ? `?${s}` : '';
  };
  const bodySchema = deref(doc, op.requestBody?.content?.['application/json']?.schema);
  const hasBody = Boolean(op.requestBody?.content?.['application/json']);
  const baseBody = hasBody ? (sample(doc, bodySchema) as Record<string, unknown>) : undefined;
  const json = (obj: unknown) => JSON.stringify(obj);
  const M = method.toUpperCase();
  const out: Case[] = [
    { label: 'plausible', method: M, url: fill() + qs(), ...(hasBody ? { body: json(baseBody) } : {}) },
  ];
  const withBody = (c: Omit<Case, 'method'>): Case => ({
    method: M,
    ...c,
    ...(c.body === undefined && hasBody ? { body: json(baseBody) } : {}),
  });

  for (const p of pathParams) {
    for (const v of ['a%00b', ...pick(rand, URL_VALUES.slice(1), PER_FIELD - 1)])
      out.push(withBody({ label: `path ${p.name}=${v.slice(0, 24)}`, url: fill({ [p.name]: v }) + qs() }));
  }
  for (const q of queryParams) {
    for (const v of ['a%00b', ...pick(rand, URL_VALUES.slice(1), PER_FIELD - 1)])
      out.push(withBody({ label: `query ${q.name}=${v.slice(0, 24)}`, url: fill() + qs({ [q.name]: v }) }));
    out.push(
      withBody({
        label: `query ${q.name} repeated`,
        url: `${fill() + qs()}${qs() ? '&' : '?'}${q.name}=1&${q.name}=2`,
      }),
    );
  }
  if (queryParams.length || M === 'GET')
    out.push(withBody({ label: 'query key with NUL', url: fill() + qs({ 'a%00': '1' }) }));

  if (hasBody) {
    const props = Object.keys(deref(doc, bodySchema).properties ?? {});
    for (const name of props) {
      for (const v of ['"a\\u0000b"', ...pick(rand, BODY_VALUES.slice(1), PER_FIELD - 1)]) {
        const base = json({ ...baseBody, [name]: '__HOLE__' });
        out.push(
          withBody({
            label: `body ${name}=${v.slice(0, 24)}`,
            url: fill() + qs(),
            body: base.replace('"__HOLE__"', v),
          }),
        );
      }
    }
    for (const b of pick(rand, WHOLE_BODIES, 4))
      out.push({ label: `whole body ${JSON.stringify(b.slice(0, 16))}`, method: M, url: fill() + qs(), body: b });
    const cut = json(baseBody);
    out.push({
      label: 'cut-off JSON',
      method: M,
      url: fill() + qs(),
      body: cut.slice(0, Math.max(1, Math.floor(cut.length / 2))),
    });
  }
  return out.length > MAX_CASES_PER_OP ? [out[0], ...pick(rand, out.slice(1), MAX_CASES_PER_OP - 1)] : out;
}

function envelopeProblem(status: number, body: string): string | null {
  if (status >= 500) return `status ${status}`;
  if (status < 400) return null;
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'non-JSON error body';
  }
  const ok =
    parsed?.success === false &&
    typeof parsed.error?.code === 'string' &&
    typeof parsed.error?.message === 'string' &&
    typeof parsed.meta?.request_id === 'string';
  return ok ? null : 'error body outside the envelope';
}

describe('fuzz: hostile input over every OpenAPI operation', () => {
  let built: Built;
  let t: TestTenant;
  let agentId: string;
  let fedKey: string | undefined;
  before(async () => {
    // Loopback http targets allowed (webhooks, peers): every URL the fuzz sends is 127.0.0.1:9.
    built = await startApp({ allowInsecureWebhooks: true });
    t = await makeTenant(built.app);
    // Thousands of requests in seconds: lift this tenant's per-minute limit so handlers are reached.
    const lifted = await call(built.app, 'PATCH', `/api/tenants/${t.id}`, {
      admin: true,
      body: { rate_limit_per_minute: 1_000_000 },
    });
    assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    const agent = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'Fuzz target', role: 'general-assistant', maturity_level: 'student' },
    });
    agentId = agent.body?.data?.agent?.id ?? agent.body?.data?.id ?? 'agt_fuzz';
    const peer = await call(built.app, 'POST', '/api/federation/peers', {
      admin: true,
      body: { name: 'fuzz peer', base_url: 'http://127.0.0.1:9' },
    });
    const fk = await call(built.app, 'POST', '/api/federation/keys', {
      admin: true,
      body: { peer_id: peer.body?.data?.peer?.id ?? peer.body?.data?.id, name: 'fuzz' },
    });
    assert.equal(fk.status, 201, JSON.stringify(fk.body));
    fedKey = fk.body.data.key;
  });
  after(() => built.close());

  it('answers no 5xx and only enveloped errors', async () => {
    const doc = JSON.parse((await built.app.inject({ method: 'GET', url: '/api/openapi.json' })).body) as Doc;
    const authOf = new Map(built.routes.map((r) => [`${r.method} ${r.url}`, r.auth]));
    const rand = prng(SEED);
    // Plausible ids: the real agent under /api/agents/{id}; elsewhere a well-formed id that is not there.
    const plausible = (name: string, path: string) =>
      name === 'id' && path.startsWith('/api/agents/{id}') ? agentId : name === 'agent_id' ? agentId : `fz_${name}_1`;
    const failures: string[] = [];
    let requests = 0;
    const statuses = new Map<string, number>();
    const started = Date.now();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op || typeof op !== 'object' || !('responses' in op)) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (SKIPPED[key]) continue;
        const auth = authOf.get(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`) ?? 'tenant';
        const headers: Record<string, string> =
          auth === 'admin'
            ? { 'x-admin-key': ADMIN_KEY }
            : auth === 'federation' && fedKey
              ? { 'x-federation-key': fedKey, 'x-federation-source': 'http://127.0.0.1:9' }
              : { 'x-api-key': t.key };
        for (const c of casesFor(doc, method, path, op, plausible, rand)) {
          requests += 1;
          const res = await built.app.inject({
            method: c.method as 'GET',
            url: c.url,
            headers: {
              ...headers,
              ...(c.body !== undefined ? { 'content-type': c.contentType ?? 'application/json' } : {}),
            },
            ...(c.body !== undefined ? { payload: c.body } : {}),
          });
          const problem =
            ENVELOPE_EXEMPT[key] && res.statusCode < 500 ? null : envelopeProblem(res.statusCode, res.body);
          const tally = `${c.label.split(' ')[0]} ${res.statusCode}`;
          statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
          if (process.env.FUZZ_VERBOSE && c.label === 'plausible')
            console.log(`${key} ${res.statusCode} ${res.body.slice(0, 120)}`);
          if (problem) failures.push(`${key} [${c.label}] → ${res.statusCode} ${problem}: ${res.body.slice(0, 200)}`);
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${requests} requests in ${seconds}s; ` +
        `answers: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; skipped: ${JSON.stringify(SKIPPED)}`,
    );
    assert.deepEqual(failures, [], `${failures.length} hostile requests failed:\n${failures.slice(0, 400).join('\n')}`);
  });
});
