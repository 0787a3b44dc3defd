import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OAuth2Server } from 'oauth2-mock-server';
import type { Built } from '../../src/app.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver, waitUntil } from '../helpers/receiver.js';

/**
 * Skills that use the tenant's OAuth integrations, through the path a user takes: connect GitHub
 * with the real authorization-code flow (oauth2-mock-server on loopback), create / publish / approve /
 * install skills that declare `integrations: ["github"]`, run them from agents and directly.
 */
describe("skills using the tenant's integrations", () => {
  let oauth: OAuth2Server;
  let built: Built;
  let a: TestTenant; // connected; publishes the skills
  let b: TestTenant; // connected with its own grant; installs the published skill
  let c: TestTenant; // installs it, never connects
  /** Every token the provider issued, by grant type. */
  const issued: { grant: string; access: string; refresh: string | null }[] = [];
  let nextExpiresIn: number | null = null;
  /**
   * The api skill's endpoint: a loopback service that records each call and (carelessly) echoes the Authorization
   * header.
   */
  const endpointCalls: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let endpointServer: http.Server;
  let endpoint: string;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let tokenA: string;
  let tokenB: string;
  let apiPrivate: string; // a's own api skill
  let apiPublic: string; // its published, approved copy that b and c install
  let inspector: string; // a's function skill
  const agents: Record<string, string> = {};

  before(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    const base = oauth.issuer.url!;
    oauth.service.on(
      'beforeResponse',
      (res: { body: Record<string, unknown> }, req: IncomingMessage & { body: Record<string, string> }) => {
        if (typeof res.body.access_token !== 'string') return;
        // Opaque random tokens as GitHub issues them (the mock's JWTs repeat within a second).
        res.body.access_token = `gho_${randomBytes(18).toString('hex')}`;
        if (nextExpiresIn !== null) res.body.expires_in = nextExpiresIn;
        nextExpiresIn = null;
        issued.push({
          grant: req.body.grant_type,
          access: res.body.access_token as string,
          refresh: (res.body.refresh_token as string | undefined) ?? null,
        });
      },
    );
    endpointServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        endpointCalls.push({ headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ repositories: ['octo/hello'], saw: req.headers.authorization ?? null }));
      });
    });
    await new Promise<void>((r) => endpointServer.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(endpointServer.address() as AddressInfo).port}/repos`;
    hooks = await startReceiver();
    built = await startApp({
      allowInsecureWebhooks: true,
      publicUrl: 'http://127.0.0.1:3999',
      oauth: {
        github: {
          clientId: 'atom-client',
          clientSecret: 'atom-secret',
          authorizeUrl: `${base}/authorize`,
          tokenUrl: `${base}/token`,
          testUrl: `${base}/userinfo`,
        },
      },
    });
    [a, b, c] = [await makeTenant(built.app), await makeTenant(built.app), await makeTenant(built.app)];
    for (const t of [a, b, c]) {
      const res = await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'Reader', role: 'general-assistant', maturity_level: 'student' },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      agents[t.id] = res.body.data.agent.id;
      const wh = await call(built.app, 'POST', '/api/webhooks', {
        key: t.key,
        body: { url: hooks.url, events: ['agent.executed'] },
      });
      assert.equal(wh.status, 201, JSON.stringify(wh.body));
    }
  });
  after(async () => {
    await built.close();
    await oauth.stop();
    await hooks.close();
    endpointServer.closeAllConnections();
    await new Promise((r) => endpointServer.close(r));
  });

  /** The whole authorization-code flow, the browser played by fetch; returns the access token the provider issued. */
  async function connectGithub(t: TestTenant): Promise<string> {
    const res = await call(built.app, 'POST', '/api/integrations/github/connect', { key: t.key, body: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const redirect = await fetch(res.body.data.authorization_url, { redirect: 'manual' });
    const back = new URL(redirect.headers.get('location')!);
    const cb = await call(built.app, 'GET', `/api/integrations/github/callback${back.search}`);
    assert.equal(cb.status, 200, JSON.stringify(cb.body));
    const last = issued.at(-1)!;
    assert.equal(last.grant, 'authorization_code');
    return last.access;
  }

  async function createSkill(t: TestTenant, body: Record<string, unknown>): Promise<string> {
    const res = await call(built.app, 'POST', '/api/v1/skills/private', { key: t.key, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.skill_id;
  }

  /** POST /api/agents/{id}/execute, then poll until the execution ends; returns the final execution. */
  async function runAgent(t: TestTenant, task: string) {
    const res = await call(built.app, 'POST', `/api/agents/${agents[t.id]}/execute`, { key: t.key, body: { task } });
    assert.ok([200, 202].includes(res.status), JSON.stringify(res.body));
    const url = res.body.data.poll_url as string;
    let done: any;
    await waitUntil(async () => {
      done = (await call(built.app, 'GET', url, { key: t.key })).body.data;
      return ['completed', 'failed', 'cancelled'].includes(done.status);
    });
    return done;
  }

  const toolCalls = (execution: any) =>
    (execution.reasoning_trace as { type: string }[]).filter((s) => s.type === 'tool_call') as unknown as {
      tool: string;
      ok: boolean;
      output: any;
      error: string | null;
    }[];
  const everyToken = () => issued.flatMap((i) => [i.access, ...(i.refresh ? [i.refresh] : [])]);
  const containsToken = (text: string) => everyToken().filter((tok) => text.includes(tok));

  it('a skill declares known integrations; the marketplace listing shows them after publish and approval', async () => {
    const bad = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: { name: 'x', skill_type: 'function', code: 'function execute() {}', integrations: ['github', 'myspace'] },
    });
    expectError(bad, 400, 'INVALID_ENUM_VALUE');
    assert.equal(bad.body.error.details.field, 'integrations');
    assert.deepEqual(bad.body.error.details.invalid_values, ['myspace']);
    assert.deepEqual([...bad.body.error.details.allowed_values].sort(), [
      'airtable',
      'github',
      'google',
      'microsoft',
      'salesforce',
      'slack',
    ]);
    const dup = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: { name: 'x', skill_type: 'function', integrations: ['github', 'github'] },
    });
    expectError(dup, 400, 'VALIDATION_ERROR');
    assert.equal(dup.body.error.details.field, 'integrations');
    const many = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: { name: 'x', skill_type: 'function', integrations: Array.from({ length: 11 }, (_, i) => `p${i}`) },
    });
    expectError(many, 400, 'VALIDATION_ERROR');
    assert.equal(many.body.error.details.field, 'integrations');
    expectError(
      await call(built.app, 'POST', '/api/public/v1/marketplace/submit', {
        key: a.key,
        body: { name: 'x', skill_type: 'api', endpoint, integrations: ['gitlab'] },
      }),
      400,
      'INVALID_ENUM_VALUE',
    );

    apiPrivate = await createSkill(a, {
      name: 'GitHub repositories',
      description: 'List github repositories of the team',
      skill_type: 'api',
      endpoint,
      integrations: ['github'],
      action: 'read',
      input_schema: { type: 'object', properties: { task: { type: 'string' } }, required: ['task'] },
    });
    const pub = await call(built.app, 'POST', '/api/skills/publish', { key: a.key, body: { skill_id: apiPrivate } });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    apiPublic = pub.body.marketplace_id;
    assert.equal((await call(built.app, 'POST', `/api/skills/approve/${apiPublic}`, { admin: true })).status, 200);
    const detail = await call(built.app, 'GET', `/api/public/v1/marketplace/skills/${apiPublic}`);
    assert.deepEqual(
      detail.body.integrations,
      ['github'],
      'publishing kept the declaration, and installers can see it',
    );
    for (const t of [b, c])
      assert.equal(
        (await call(built.app, 'POST', '/api/skills/install', { key: t.key, body: { skill_id: apiPublic } })).status,
        200,
      );
    inspector = await createSkill(a, {
      name: 'Token inspector',
      description: 'Inspect octocat credentials',
      skill_type: 'function',
      integrations: ['github'],
      action: 'read',
      code: `function execute(input, env) {
        const g = env.integrations.github;
        if (input.fail) throw new Error('leaked ' + g.access_token);
        let frozen = Object.isFrozen(g);
        return { token_seen: g.access_token.length > 0, matches: g.access_token === input.expected,
          token: g.access_token, nested: { list: ['x' + g.access_token + 'y'] },
          [g.access_token]: 'as a key', token_type: g.token_type, expires_at: g.expires_at, greeting: env.GREETING,
          has_key: typeof env.idempotency_key === 'string', frozen };
      }`,
    });
    const env = await call(built.app, 'PUT', `/api/v1/skills/private/${inspector}`, {
      key: a.key,
      body: { environment_vars: { GREETING: 'hello' } },
    });
    assert.equal(env.status, 200, JSON.stringify(env.body));
  });

  it(
    "an agent's tool call and a direct run send the tenant's token as Authorization: Bearer; the echo comes back " +
      'redacted',
    async () => {
      tokenA = await connectGithub(a);
      const exec = await runAgent(a, 'list github repositories');
      assert.equal(exec.status, 'completed', JSON.stringify(exec));
      const [callA] = toolCalls(exec);
      assert.equal(callA.ok, true);
      const sent = endpointCalls.at(-1)!;
      assert.equal(sent.headers.authorization, `Bearer ${tokenA}`, 'the token the provider issued to tenant A');
      assert.equal(sent.headers['x-integration-token-github'], tokenA);
      assert.ok(sent.headers['idempotency-key']);
      assert.deepEqual(callA.output, { repositories: ['octo/hello'], saw: 'Bearer [redacted]' });
      assert.deepEqual(Object.values(exec.result.details), [
        { repositories: ['octo/hello'], saw: 'Bearer [redacted]' },
      ]);

      const direct = await call(built.app, 'POST', `/api/skills/${apiPrivate}/execute`, {
        key: a.key,
        body: { input: { q: 1 } },
      });
      assert.equal(direct.status, 200, JSON.stringify(direct.body));
      assert.deepEqual(direct.body.output, { repositories: ['octo/hello'], saw: 'Bearer [redacted]' });
      assert.equal(endpointCalls.at(-1)!.headers.authorization, `Bearer ${tokenA}`);
      assert.deepEqual(JSON.parse(endpointCalls.at(-1)!.body), { q: 1 }, 'the input is the body, unchanged');
    },
  );

  it(
    'a function skill gets env.integrations.github beside its environment; whatever it returns or throws has the ' +
      'token redacted',
    async () => {
      const direct = await call(built.app, 'POST', `/api/skills/${inspector}/execute`, {
        key: a.key,
        body: { input: { expected: tokenA } },
      });
      assert.equal(direct.status, 200, JSON.stringify(direct.body));
      const o = direct.body.output;
      assert.equal(o.token_seen, true);
      assert.equal(o.matches, true, 'the skill held exactly the token the provider issued');
      assert.equal(o.token, '[redacted]');
      assert.deepEqual(o.nested, { list: ['x[redacted]y'] });
      assert.equal(o['[redacted]'], 'as a key');
      assert.equal(o.token_type, 'Bearer');
      assert.ok(Date.parse(o.expires_at) > Date.now());
      assert.deepEqual([o.greeting, o.has_key, o.frozen], ['hello', true, true]);
      assert.deepEqual(containsToken(JSON.stringify(direct.body)), []);

      const thrown = await call(built.app, 'POST', `/api/skills/${inspector}/execute`, {
        key: a.key,
        body: { input: { fail: true } },
      });
      assert.equal(thrown.body.status, 'failed');
      assert.equal(thrown.body.error, 'Error: leaked [redacted]');

      const exec = await runAgent(a, 'inspect octocat credentials');
      assert.equal(exec.status, 'completed', JSON.stringify(exec));
      const [tc] = toolCalls(exec);
      assert.deepEqual([tc.ok, tc.output.token_seen, tc.output.token], [true, true, '[redacted]']);
      const polled = await call(built.app, 'GET', `/api/agents/${agents[a.id]}/executions/${exec.execution_id}`, {
        key: a.key,
      });
      assert.ok(
        JSON.stringify(polled.body).includes('[redacted]'),
        'the result with the redacted token is in the execution',
      );
      assert.deepEqual(
        containsToken(JSON.stringify(polled.body)),
        [],
        'result, reasoning_trace and error carry no token',
      );
    },
  );

  it(
    'an expiring token is refreshed before the skill runs (one refresh for concurrent runs), and the skill gets ' +
      'the new one',
    async () => {
      nextExpiresIn = 5; // inside the refresh window: the next use must refresh
      const shortLived = await connectGithub(a);
      const before = issued.length;
      const runs = await Promise.all(
        [1, 2, 3].map(() =>
          call(built.app, 'POST', `/api/skills/${apiPrivate}/execute`, { key: a.key, body: { input: {} } }),
        ),
      );
      for (const r of runs) assert.equal(r.body.status, 'completed', JSON.stringify(r.body));
      const refreshes = issued.slice(before);
      assert.deepEqual(
        refreshes.map((i) => i.grant),
        ['refresh_token'],
        'the token endpoint saw one refresh_token grant',
      );
      const fresh = refreshes[0].access;
      assert.notEqual(fresh, shortLived);
      for (const sent of endpointCalls.slice(-3)) assert.equal(sent.headers.authorization, `Bearer ${fresh}`);
      const exec = await runAgent(a, 'list github repositories');
      assert.equal(exec.status, 'completed');
      assert.equal(endpointCalls.at(-1)!.headers.authorization, `Bearer ${fresh}`);
      const status = await call(built.app, 'GET', '/api/integrations/github', { key: a.key });
      assert.ok(status.body.data.integration.refreshed_at);
      tokenA = fresh;
    },
  );

  it("a second tenant runs the installed skill with its own token, never the first tenant's", async () => {
    tokenB = await connectGithub(b);
    assert.notEqual(tokenB, tokenA);
    const from = endpointCalls.length;
    const exec = await runAgent(b, 'list github repositories');
    assert.equal(exec.status, 'completed', JSON.stringify(exec));
    const direct = await call(built.app, 'POST', `/api/skills/${apiPublic}/execute`, {
      key: b.key,
      body: { input: {} },
    });
    assert.equal(direct.body.status, 'completed');
    const sent = endpointCalls.slice(from);
    assert.equal(sent.length, 2);
    for (const s of sent) assert.equal(s.headers.authorization, `Bearer ${tokenB}`);
    const tokensOfA = issued.filter((i) => i.access !== tokenB).map((i) => i.access);
    assert.ok(!sent.some((s) => tokensOfA.some((tok) => JSON.stringify(s.headers).includes(tok))));
  });

  it(
    'a tenant without the connection: the tool call fails with INTEGRATION_NOT_CONNECTED naming GitHub and the ' +
      'skill does not run',
    async () => {
      const from = endpointCalls.length;
      const exec = await runAgent(c, 'list github repositories');
      assert.equal(exec.status, 'failed');
      const [tc] = toolCalls(exec);
      assert.deepEqual(
        [tc.ok, tc.error],
        [false, 'INTEGRATION_NOT_CONNECTED: GitHub is not connected for this tenant'],
      );
      assert.match(exec.error, /INTEGRATION_NOT_CONNECTED: GitHub is not connected for this tenant/);
      const direct = await call(built.app, 'POST', `/api/skills/${apiPublic}/execute`, {
        key: c.key,
        body: { input: {} },
      });
      expectError(direct, 409, 'INTEGRATION_NOT_CONNECTED');
      assert.equal(direct.body.error.message, 'GitHub is not connected for this tenant');
      assert.equal(direct.body.error.details.provider, 'github');
      assert.equal(endpointCalls.length, from, 'the endpoint was never called');
      const [usage] = await built.ctx.db.query<{ n: number }>(
        SYSTEM,
        'SELECT coalesce(sum(count), 0)::int AS n FROM usage_counters WHERE tenant_id = $1 ' +
          "AND metric = 'skill_executions'",
        [c.id],
      );
      assert.equal(usage.n, 1, "only the agent's gated call counted; the refused direct run did not");
    },
  );

  it('no token reaches webhook deliveries or any row of the database', async () => {
    const ended = async () =>
      (
        await built.ctx.db.query<{ n: number }>(
          SYSTEM,
          "SELECT count(*)::int AS n FROM executions WHERE status IN ('completed', 'failed')",
        )
      )[0].n;
    assert.ok((await ended()) >= 3);
    await waitUntil(async () => hooks.received.length === (await ended()));
    const bodies = hooks.received.map((r) => r.body);
    assert.ok(bodies.every((body) => JSON.parse(body).event === 'agent.executed'));
    assert.ok(
      bodies.some((body) => body.includes('Bearer [redacted]')),
      'the deliveries carry the (redacted) results',
    );
    assert.deepEqual(bodies.flatMap(containsToken), []);
    const tables = await built.ctx.db.query<{ s: string; t: string }>(
      SYSTEM,
      "SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' " +
        "AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    assert.ok(tables.some((x) => x.t === 'executions') && tables.some((x) => x.t === 'integrations'));
    const leaks: string[] = [];
    for (const { s, t } of tables) {
      const rows = await built.ctx.db.query<{ r: string }>(SYSTEM, `SELECT x::text AS r FROM "${s}"."${t}" x`);
      for (const { r } of rows) for (const tok of containsToken(r)) leaks.push(`${s}.${t}: ${tok.slice(0, 8)}…`);
    }
    assert.deepEqual(leaks, []);
  });
});
