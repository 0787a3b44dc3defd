import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let t: TestTenant;
before(async () => {
  built = await startApp();
  t = await makeTenant(built.app, 'team');
});
after(() => built.close());

const agent = (name: string) => ({ name, role: 'custom', maturity_level: 'student' });
const count = async () =>
  (await call(built.app, 'GET', '/api/agents?limit=100', { key: t.key })).body.data.pagination.total as number;
const post = (key: string, idem: string, body: unknown) =>
  call(built.app, 'POST', '/api/agents', { key, body, headers: { 'idempotency-key': idem } });

describe('Idempotency-Key', () => {
  it('replays the first response to a retried POST; the write happens once', async () => {
    const before = await count();
    const first = await post(t.key, 'create-agent-1', agent('Once'));
    assert.equal(first.status, 201);
    const again = await post(t.key, 'create-agent-1', agent('Once'));
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.data.agent.id, first.body.data.agent.id);
    assert.equal(await count(), before + 1);
  });

  it('refuses the same key on a different request, and keys are per credential', async () => {
    await post(t.key, 'k-2', agent('A'));
    expectError(await post(t.key, 'k-2', agent('B')), 422, 'IDEMPOTENCY_KEY_REUSED');
    const other = await makeKey(built.app, t, { role: 'admin' });
    const res = await post(other.key, 'k-2', agent('B'));
    assert.equal(res.status, 201, 'another credential has its own keys');
    assert.equal(res.headers['idempotent-replayed'], undefined);
  });

  it('keeps 4xx answers, not 5xx; a request still running is 409', async () => {
    // (A body that fails schema validation never reaches the handler, so it claims no key.)
    const exec = () =>
      call(built.app, 'POST', '/api/agents/agt_missing/execute', {
        key: t.key,
        body: { task: 'x' },
        headers: { 'idempotency-key': 'k-3' },
      });
    const bad = await exec();
    assert.equal(bad.status, 404);
    const badAgain = await exec();
    assert.deepEqual(
      [badAgain.status, badAgain.headers['idempotent-replayed'], badAgain.body.error.code],
      [404, 'true', 'AGENT_NOT_FOUND'],
    );

    const hash = createHash('sha256')
      .update(`POST /api/agents\n${JSON.stringify(agent('Busy'))}`)
      .digest('hex');
    await built.ctx.db.query(
      t.id,
      `INSERT INTO idempotency_keys (tenant_id, credential, key, request_hash) VALUES ($1, 'x', 'busy', $2)`,
      [t.id, hash],
    );
    const [{ credential }] = await built.ctx.db.query(
      t.id,
      `SELECT credential FROM idempotency_keys WHERE key = 'k-3'`,
    );
    await built.ctx.db.query(
      t.id,
      `UPDATE idempotency_keys SET credential = $2 WHERE key = 'busy' AND tenant_id = $1`,
      [t.id, credential],
    );
    const busy = await post(t.key, 'busy', agent('Busy'));
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'IDEMPOTENCY_KEY_IN_USE');
    assert.equal(busy.headers['retry-after'], '1');
    // Abandoned (no answer for over a minute): the key is free again.
    await built.ctx.db.query(
      t.id,
      `UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE key = 'busy'`,
    );
    assert.equal((await post(t.key, 'busy', agent('Busy'))).status, 201);
  });

  it('validates the header; GET ignores it', async () => {
    expectError(await post(t.key, 'has space', agent('x')), 400, 'VALIDATION_ERROR');
    expectError(await post(t.key, 'x'.repeat(256), agent('x')), 400, 'VALIDATION_ERROR');
    const g = await call(built.app, 'GET', '/api/agents', { key: t.key, headers: { 'idempotency-key': 'g' } });
    assert.equal(g.status, 200);
  });
});
