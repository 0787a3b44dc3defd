import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../src/platform/errors.js';
import { assertLlmTokensLeft, nextUtcMidnight, recordLlmUsage } from '../../src/platform/usage.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let free: TestTenant;
let other: TestTenant;
before(async () => {
  built = await startApp();
  free = await makeTenant(built.app, 'free');
  other = await makeTenant(built.app, 'enterprise');
});
after(() => built.close());

describe('GET /api/usage', () => {
  it('reports quotas against the plan, the rate limit and the daily history', async () => {
    assert.equal(
      (
        await call(built.app, 'POST', '/api/agents', {
          key: free.key,
          body: { name: 'One', role: 'custom', maturity_level: 'student' },
        })
      ).status,
      201,
    );
    const skill = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: free.key,
      body: { name: 'S', skill_type: 'function', code: 'function execute() { return 1; }' },
    });
    await call(built.app, 'POST', `/api/skills/${skill.body.skill_id}/execute`, { key: free.key, body: {} });
    await call(built.app, 'POST', `/api/skills/${skill.body.skill_id}/execute`, { key: free.key, body: {} });

    const res = await call(built.app, 'GET', '/api/usage', { key: free.key });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const u = res.body.data;
    assert.equal(u.plan, 'free');
    const q = Object.fromEntries(u.quotas.map((x: any) => [x.metric, x]));
    assert.deepEqual(q.agents, { metric: 'agents', label: 'Agents', used: 1, limit: 3, remaining: 2 });
    assert.deepEqual([q.skill_executions.used, q.skill_executions.limit], [2, 100]);
    assert.ok(Date.parse(q.skill_executions.resets_at) > Date.now());
    assert.deepEqual(u.rate_limits, { requests_per_minute: 60, requests_per_day: 50 });
    assert.equal(u.features.public_marketplace_publish, false);
    assert.equal(u.rate_limit.remaining, Number(res.headers['x-ratelimit-remaining']));
    assert.equal(u.rate_limit_remaining, u.rate_limit.remaining);
    assert.deepEqual(
      [u.history.metric, u.history.days, u.history.points.map((p: any) => p.count)],
      ['skill_executions', 14, [2]],
    );

    const o = (await call(built.app, 'GET', '/api/usage?days=30', { key: other.key })).body.data;
    assert.deepEqual(
      [o.quotas[0].used, o.quotas[0].limit, o.history.points, o.history.days],
      [0, null, [], 30],
      'another tenant sees only its own',
    );
  });

  it('needs a credential and validates days', async () => {
    expectError(await call(built.app, 'GET', '/api/usage'), 401, 'AUTH_REQUIRED');
    expectError(await call(built.app, 'GET', '/api/usage?days=1000', { key: free.key }), 400, 'VALIDATION_ERROR');
  });
});

describe('model token metering', () => {
  it("adds each answer's tokens to today's counters, and GET /api/usage shows the sums against the cap", async () => {
    const t = await makeTenant(built.app, 'free');
    const db = built.ctx.db.as(t.id);
    assert.deepEqual(await recordLlmUsage(db, t.id, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }), {
      prompt: 10,
      completion: 5,
      total: 15,
    });
    assert.deepEqual(
      await recordLlmUsage(db, t.id, { prompt_tokens: 20, completion_tokens: 7 }),
      { prompt: 20, completion: 7, total: 27 },
      'no total: prompt + completion',
    );
    assert.deepEqual(
      await recordLlmUsage(db, t.id, { completion_tokens: 3 }),
      { prompt: 0, completion: 3, total: 3 },
      'missing numbers count 0',
    );
    assert.deepEqual(
      await recordLlmUsage(db, t.id, undefined),
      { prompt: 0, completion: 0, total: 0 },
      'a server without usage counts nothing',
    );

    const u = (await call(built.app, 'GET', '/api/usage', { key: t.key })).body.data;
    const resets_at = nextUtcMidnight().toISOString();
    assert.deepEqual(u.llm_tokens, {
      prompt: 30,
      completion: 15,
      total: 45,
      limit: 50_000,
      remaining: 49_955,
      resets_at,
    });
    assert.deepEqual(
      u.quotas.find((q: any) => q.metric === 'llm_total_tokens'),
      {
        metric: 'llm_total_tokens',
        label: 'Model tokens today',
        used: 45,
        limit: 50_000,
        remaining: 49_955,
        resets_at,
      },
    );

    const o = (await call(built.app, 'GET', '/api/usage', { key: other.key })).body.data;
    assert.deepEqual(
      o.llm_tokens,
      { prompt: 0, completion: 0, total: 0, limit: null, remaining: null, resets_at },
      'another tenant: its own, unlimited on enterprise',
    );
  });

  it('counts concurrent answers exactly (one atomic statement each)', async () => {
    const t = await makeTenant(built.app, 'team');
    const db = built.ctx.db.as(t.id);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        recordLlmUsage(db, t.id, { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }),
      ),
    );
    const u = (await call(built.app, 'GET', '/api/usage', { key: t.key })).body.data;
    assert.deepEqual(
      [u.llm_tokens.prompt, u.llm_tokens.completion, u.llm_tokens.total, u.llm_tokens.limit],
      [2_000, 1_000, 3_000, 5_000_000],
    );
  });

  it('refuses a free tenant at 50,000 tokens a day with 429 LLM_TOKEN_LIMIT_EXCEEDED until the next UTC midnight', async () => {
    const t = await makeTenant(built.app, 'free');
    const db = built.ctx.db.as(t.id);
    await recordLlmUsage(db, t.id, { prompt_tokens: 40_000, completion_tokens: 9_999 });
    assert.deepEqual(await assertLlmTokensLeft(db, t.id, 'free'), { used: 49_999, limit: 50_000, remaining: 1 });
    await recordLlmUsage(db, t.id, { prompt_tokens: 300, completion_tokens: 200 });
    const err = await assertLlmTokensLeft(db, t.id, 'free').then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof AppError, String(err));
    assert.deepEqual([err.code, err.status], ['LLM_TOKEN_LIMIT_EXCEEDED', 429]);
    assert.deepEqual(err.details, {
      used: 50_499,
      limit: 50_000,
      plan: 'free',
      resets_at: nextUtcMidnight().toISOString(),
    });
    const retryAfter = Number(err.headers['Retry-After']);
    assert.ok(retryAfter >= 1 && retryAfter <= 86_400, `Retry-After ${retryAfter}`);
    // The same tenant on a bigger plan has room left.
    assert.deepEqual(await assertLlmTokensLeft(db, t.id, 'solo'), { used: 50_499, limit: 500_000, remaining: 449_501 });
  });

  it('never refuses enterprise, and a huge count saturates instead of failing', async () => {
    const db = built.ctx.db.as(other.id);
    await recordLlmUsage(db, other.id, { prompt_tokens: 2_000_000_000, completion_tokens: 1_000_000_000 });
    await recordLlmUsage(db, other.id, { prompt_tokens: 2_000_000_000, completion_tokens: 1 });
    assert.deepEqual(await assertLlmTokensLeft(db, other.id, 'enterprise'), {
      used: 2_147_483_647,
      limit: null,
      remaining: null,
    });
    const u = (await call(built.app, 'GET', '/api/usage', { key: other.key })).body.data;
    assert.deepEqual(
      [u.llm_tokens.prompt, u.llm_tokens.total, u.llm_tokens.remaining],
      [2_147_483_647, 2_147_483_647, null],
    );
  });
});
