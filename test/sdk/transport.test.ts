import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AtomClient,
  AuthenticationError,
  ComponentNotFoundError,
  ConnectionError,
  InsufficientPermissionsError,
  MarketplaceClient,
  MarketplaceError,
  NotFoundError,
  normaliseBaseUrl,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '@atom-platform/sdk';
import { firstPassOnly } from '../helpers/app.js';
import { makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { envelope, type Server, startScripted, startServer } from './server.js';

const fast = { retryDelayMs: 10, maxRetryDelayMs: 5_000 };

describe('transport against scripted loopback servers', firstPassOnly, () => {
  it('retries 429 after Retry-After and 503 with backoff, keeping one Idempotency-Key per POST', async () => {
    const s = await startScripted((_, n) =>
      n === 1
        ? {
            status: 429,
            headers: { 'retry-after': '1' },
            body: envelope('RATE_LIMIT_EXCEEDED', 'slow down', { retry_after: 1 }),
          }
        : n === 2
          ? { status: 503, body: envelope('SERVICE_UNAVAILABLE', 'busy') }
          : { status: 201, body: { success: true, data: { agent: { id: 'agt_1', name: 'x' } }, meta: {} } },
    );
    try {
      const client = new AtomClient({ baseUrl: `${s.url}/api`, apiKey: 'sk-atomtest', ...fast });
      const agent = await client.agents.create({ name: 'x', role: 'general-assistant' });
      assert.equal(agent.id, 'agt_1');
      assert.equal(s.seen.length, 3);
      const keys = s.seen.map((r) => r.headers['idempotency-key']);
      assert.ok(keys[0] && keys.every((k) => k === keys[0]), 'same idempotency key on every retry');
      assert.ok(s.seen[1].at - s.seen[0].at >= 950, `waited for Retry-After (${s.seen[1].at - s.seen[0].at} ms)`);
      assert.equal(s.seen[0].headers['x-api-key'], 'sk-atomtest');
      assert.equal(JSON.parse(s.seen[0].body).maturity_level, 'student', 'maturity_level defaults to student');
      await client.agents.create({ name: 'y', role: 'general-assistant' });
      assert.notEqual(s.seen[3].headers['idempotency-key'], keys[0], 'a new call gets a new key');
      assert.equal(s.seen[3].headers['idempotency-key'] !== undefined, true);
    } finally {
      await s.close();
    }
  });

  it('gives up after maxRetries with the typed error; RateLimitError carries retryAfter', async () => {
    const s = await startScripted(() => ({
      status: 429,
      headers: { 'retry-after': '0' },
      body: envelope('RATE_LIMIT_EXCEEDED', 'Rate limit exceeded', { retry_after: 0 }),
    }));
    try {
      const client = new MarketplaceClient({ baseUrl: s.url, maxRetries: 2, ...fast });
      const err = await client.listSkills().catch((e) => e);
      assert.ok(err instanceof RateLimitError && err instanceof MarketplaceError);
      assert.equal(err.retryAfter, 0);
      assert.equal(err.code, 'RATE_LIMIT_EXCEEDED');
      assert.equal(s.seen.length, 3);
      assert.equal(s.seen[0].headers['idempotency-key'], undefined, 'no idempotency key on GET');
    } finally {
      await s.close();
    }
  });

  it('does not wait for a Retry-After beyond maxRetryDelayMs, and never retries 4xx', async () => {
    const s = await startScripted((r) =>
      r.url.startsWith('/api/skills/marketplace')
        ? { status: 429, headers: { 'retry-after': '3600' }, body: envelope('RATE_LIMIT_EXCEEDED', 'x') }
        : { status: 400, body: envelope('VALIDATION_ERROR', 'body/rating must be <= 5', { field: 'rating' }) },
    );
    try {
      const client = new MarketplaceClient({ baseUrl: s.url, ...fast });
      const started = Date.now();
      const err = await client.skills.browse().catch((e) => e);
      assert.ok(err instanceof RateLimitError);
      assert.equal(err.retryAfter, 3600);
      assert.ok(Date.now() - started < 1000);
      const bad = await client.rateSkill('mkt_1', 9).catch((e) => e);
      assert.ok(bad instanceof ValidationError);
      assert.deepEqual(bad.details, { field: 'rating' });
      assert.equal(s.seen.length, 2);
    } finally {
      await s.close();
    }
  });

  it('times out each attempt with AbortSignal, retries, then throws TimeoutError', async () => {
    const s = await startScripted(() => ({ status: 200, delayMs: 2_000, body: { success: true, data: {} } }));
    try {
      const client = new MarketplaceClient({ baseUrl: s.url, timeoutMs: 200, maxRetries: 1, ...fast });
      const started = Date.now();
      const err = await client.getUsageStats().catch((e) => e);
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(s.seen.length, 2);
      assert.ok(Date.now() - started < 1500);
    } finally {
      await s.close();
    }
  });

  it('a caller abort stops at once; a closed port is a ConnectionError; 500 is a ServerError', async () => {
    const s = await startScripted(() => ({
      status: 500,
      body: envelope('INTERNAL_ERROR', 'An internal error occurred'),
    }));
    try {
      const client = new MarketplaceClient({ baseUrl: s.url, maxRetries: 1, ...fast });
      const err = await client.listInstallations().catch((e) => e);
      assert.ok(err instanceof ServerError);
      assert.equal(s.seen.length, 2);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stop')), 50);
      const slow = await startScripted(() => ({ status: 200, delayMs: 2_000 }));
      const aborted = await new MarketplaceClient({ baseUrl: slow.url }).t
        .call({ method: 'GET', path: '/api/health' }, { signal: ac.signal })
        .catch((e) => e);
      assert.equal((aborted as Error).message, 'stop');
      await slow.close();
    } finally {
      await s.close();
    }
    const gone = await new MarketplaceClient({ baseUrl: s.url, maxRetries: 0 }).listSkills().catch((e) => e);
    assert.ok(gone instanceof ConnectionError);
  });

  it(
    'a POST that may have run (500) is retried with the same Idempotency-Key; retryNonIdempotent: false sends it ' +
      'once',
    async () => {
      const s = await startScripted(() => ({
        status: 500,
        body: envelope('INTERNAL_ERROR', 'An internal error occurred'),
      }));
      try {
        const safe = new MarketplaceClient({ baseUrl: s.url, maxRetries: 2, retryNonIdempotent: false, ...fast });
        assert.ok((await safe.installSkill('mkt_1').catch((e) => e)) instanceof ServerError);
        assert.equal(s.seen.length, 1, 'opted out: POST after a 500 once');
        const retrying = new MarketplaceClient({ baseUrl: s.url, maxRetries: 2, ...fast });
        await retrying.installSkill('mkt_1').catch(() => {});
        assert.equal(s.seen.length, 4, 'by default: three attempts');
        assert.equal(
          new Set(s.seen.slice(1).map((r) => r.headers['idempotency-key'])).size,
          1,
          'one key for every attempt',
        );
      } finally {
        await s.close();
      }
      const slow = await startScripted(() => ({ status: 200, delayMs: 1_000, body: {} }));
      try {
        const err = await new MarketplaceClient({
          baseUrl: slow.url,
          timeoutMs: 150,
          maxRetries: 2,
          retryNonIdempotent: false,
          ...fast,
        })
          .rateSkill('mkt_1', 5)
          .catch((e) => e);
        assert.ok(err instanceof TimeoutError);
        assert.equal(slow.seen.length, 1, 'opted out: POST after a timeout once');
      } finally {
        await slow.close();
      }
      const closed = await startScripted(() => ({ status: 200 }));
      await closed.close();
      const refused = await new MarketplaceClient({ baseUrl: closed.url, maxRetries: 1, ...fast })
        .installSkill('mkt_1')
        .catch((e) => e);
      assert.ok(refused instanceof ConnectionError);
      assert.equal(refused.code, 'CONNECTION_REFUSED', 'a refused connection never ran, so POST retries it too');
    },
  );

  it('normalises the base URLs the seeds write', () => {
    assert.equal(normaliseBaseUrl('https://atom-saas.fly.dev/api'), 'https://atom-saas.fly.dev');
    assert.equal(normaliseBaseUrl('https://atom-saas.fly.dev/api/federation'), 'https://atom-saas.fly.dev');
    assert.equal(normaliseBaseUrl('https://h.example/prefix/api/'), 'https://h.example/prefix');
    assert.equal(normaliseBaseUrl('http://127.0.0.1:3000'), 'http://127.0.0.1:3000');
  });
});

describe('typed errors from the real server', firstPassOnly, () => {
  let srv: Server;
  let t: TestTenant;
  before(async () => {
    srv = await startServer();
    t = await makeTenant(srv.app, 'team');
  });
  after(() => srv.close());

  it('maps 401, 403 (requiredPermission), 404 (componentId) and 400 from the envelope', async () => {
    const anon = new AtomClient({ baseUrl: srv.url, maxRetries: 0 });
    const e401 = await anon.agents.list().catch((e) => e);
    assert.ok(e401 instanceof AuthenticationError);
    assert.equal(e401.code, 'AUTH_REQUIRED');
    assert.equal(e401.status, 401);
    assert.match(e401.requestId ?? '', /.+/);

    const viewer = await makeKey(srv.app, t, { role: 'viewer' });
    const e403 = await new AtomClient({ baseUrl: srv.url, apiKey: viewer.key }).agents
      .create({ name: 'n', role: 'general-assistant' })
      .catch((e) => e);
    assert.ok(e403 instanceof InsufficientPermissionsError);
    assert.equal(e403.requiredPermission, 'AGENT_MANAGE');

    const m = new MarketplaceClient({ baseUrl: `${srv.url}/api`, apiToken: t.key, tenantId: t.id });
    const e404 = await m.getSkill('mkt_missing').catch((e) => e);
    assert.ok(e404 instanceof ComponentNotFoundError && e404 instanceof NotFoundError);
    assert.equal(e404.componentId, 'mkt_missing');
    assert.equal(e404.code, 'SKILL_NOT_FOUND');

    const e400 = await new AtomClient({ baseUrl: srv.url, apiKey: t.key }).agents
      .create({ name: '', role: 'general-assistant' })
      .catch((e) => e);
    assert.ok(e400 instanceof ValidationError);
    assert.equal(e400.status, 400);

    const other = await makeTenant(srv.app, 'team');
    const mismatch = await new MarketplaceClient({ baseUrl: srv.url, apiToken: t.key, tenantId: other.id })
      .listSkills()
      .catch((e) => e);
    assert.equal(mismatch.code, 'TENANT_MISMATCH');
  });
});
