import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Built, buildApp } from '../../src/app.js';
import { serializeError } from '../../src/platform/logging.js';
import { firstPassOnly, freshDatabaseUrl, testConfig } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';

/** Waits until a log line matches, or fails after the deadline. */
async function lineMatching(lines: string[], pattern: RegExp, timeoutMs = 10_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find((l) => pattern.test(l));
    if (found) return JSON.parse(found);
    if (Date.now() > deadline) throw new Error(`no log line matched ${pattern}; got:\n${lines.join('')}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('logs never hold secrets', firstPassOnly, () => {
  const lines: string[] = [];
  let built: Built;
  let t: TestTenant;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await freshDatabaseUrl();
    drop = db.drop;
    const config = testConfig({ databaseUrl: db.url, logLevel: 'info' });
    const app = await buildApp(config, { logStream: { write: (line: string) => void lines.push(line) } });
    built = {
      ...app,
      close: async () => {
        await app.close();
        await drop();
        config.cleanup();
      },
    };
    t = await makeTenant(built.app);
  });
  after(() => built.close());

  it('a database error logs its statement and code, never the request body values', async () => {
    // Make the insert fail inside the database, as a bug or a broken migration would.
    await built.ctx.db.exec(
      `ALTER TABLE marketplace_listings ADD CONSTRAINT log_test_refuse CHECK (name <> 'Trigger a database error') ` +
        `NOT VALID`,
    );
    const secrets = ['pw-VERY-SECRET-1', 'key-VERY-SECRET-2', 'plain-VERY-SECRET-3', 'env-VERY-SECRET-4'];
    const res = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: t.key,
      body: {
        name: 'Trigger a database error',
        skill_type: 'function',
        code: 'function execute() { return 1; }',
        description: secrets[2],
        config: { password: secrets[0], api_key: secrets[1], nested: { client_secret: secrets[3] } },
      },
    });
    assert.equal(res.status, 500);
    assert.equal(res.body.error.code, 'INTERNAL_ERROR');
    const line = await lineMatching(lines, /request failed/);
    assert.equal(line.err.code, '23514');
    assert.match(line.err.statement, /INSERT INTO marketplace_listings/);
    assert.equal(line.err.params, undefined);
    assert.equal(line.err.detail, undefined);
    const all = lines.join('');
    for (const s of secrets) assert.ok(!all.includes(s), `${s} appears in the logs`);
  });

  it('credentials in headers and query strings never reach the log', async () => {
    const res = await built.app.inject({
      method: 'GET',
      url: '/api/agents?api_key=query-VERY-SECRET-5&token=query-VERY-SECRET-6&limit=5',
      headers: { authorization: `Bearer ${t.key}`, cookie: 'session=cookie-VERY-SECRET-7' },
    });
    assert.equal(res.statusCode, 200);
    const line = await lineMatching(lines, /incoming request.*limit=5|limit=5.*incoming request/);
    assert.match(line.req.url, /api_key=\[REDACTED\]&token=\[REDACTED\]&limit=5/);
    const all = lines.join('');
    for (const s of [t.key, 'query-VERY-SECRET-5', 'query-VERY-SECRET-6', 'cookie-VERY-SECRET-7'])
      assert.ok(!all.includes(s), `${s} appears in the logs`);
  });

  it('the server logger redacts credential-looking keys at any depth and keys written in text', async () => {
    built.app.log.warn(
      {
        headers: { authorization: 'Bearer hdr-VERY-SECRET-8', 'x-admin-key': 'adm-VERY-SECRET-9', 'x-api-key': t.key },
        body: {
          user: { password: 'pw-VERY-SECRET-10', private_key: 'pk-VERY-SECRET-11' },
          items: [{ client_secret: 'cs-VERY-SECRET-12' }],
          prompt_tokens: 12,
        },
      },
      `marker-one called with ${t.key}`,
    );
    built.app.log.error(
      Object.assign(new Error('invalid input syntax for type integer: "int-VERY-SECRET-13"'), {
        code: '22P02',
        params: ['int-VERY-SECRET-13'],
      }),
    );
    await lineMatching(lines, /invalid input syntax for type integer/);
    const line = await lineMatching(lines, /marker-one/);
    assert.equal(line.headers.authorization, '[REDACTED]');
    assert.equal(line.body.user.password, '[REDACTED]');
    assert.equal(line.body.prompt_tokens, 12, 'counts named *_tokens are not secrets');
    const all = lines.join('');
    for (const s of [
      t.key,
      'hdr-VERY-SECRET-8',
      'adm-VERY-SECRET-9',
      'pw-VERY-SECRET-10',
      'pk-VERY-SECRET-11',
      'cs-VERY-SECRET-12',
      'int-VERY-SECRET-13',
    ])
      assert.ok(!all.includes(s), `${s} appears in the logs`);
  });
});

describe('the error serializer', firstPassOnly, () => {
  it('keeps statement and code, drops parameters and detail, and cuts the value from a data error', () => {
    const err = Object.assign(new Error('invalid input syntax for type uuid: "hunter2-secret"'), {
      code: '22P02',
      query: 'SELECT * FROM t WHERE id = $1',
      params: ['hunter2-secret'],
      detail: 'Key (id)=(hunter2-secret)',
      where: 'x',
    });
    const out = serializeError(err) as Record<string, unknown>;
    assert.equal(out.code, '22P02');
    assert.equal(out.statement, 'SELECT * FROM t WHERE id = $1');
    assert.ok(!JSON.stringify(out).includes('hunter2'), JSON.stringify(out));
  });
});
