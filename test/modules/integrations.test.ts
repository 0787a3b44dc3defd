import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { OAuth2Server } from 'oauth2-mock-server';
import type { Built } from '../../src/app.js';
import { integrationsService } from '../../src/modules/integrations/service.js';
import { encryptSecret } from '../../src/platform/crypto.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

/** The whole OAuth flow against a real OAuth 2.0 server (oauth2-mock-server) on loopback. */
describe('integrations (OAuth 2.0 + PKCE)', () => {
  let oauth: OAuth2Server;
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  const issued: string[] = [];
  let failRefresh = false;
  let userinfoOverride: number | null = null;
  const revoked: string[] = [];

  before(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    const base = oauth.issuer.url!;
    oauth.service.on(
      'beforeResponse',
      (
        res: { body: Record<string, unknown>; statusCode: number },
        req: IncomingMessage & { body: Record<string, string> },
      ) => {
        if (failRefresh && req.body.grant_type === 'refresh_token') {
          res.statusCode = 400;
          res.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
          return;
        }
        if (typeof res.body.access_token === 'string') issued.push(res.body.access_token);
      },
    );
    oauth.service.on('beforeUserinfo', (res: { statusCode: number }, req: IncomingMessage) => {
      const current = `Bearer ${issued.at(-1)}`;
      res.statusCode = userinfoOverride ?? (req.headers.authorization === current ? 200 : 401);
      userinfoOverride = null;
    });
    oauth.service.on(
      'beforeRevoke',
      (_res: unknown, req: IncomingMessage & { body?: unknown }) => void revoked.push(String(req.url)),
    );
    built = await startApp({
      publicUrl: 'http://127.0.0.1:3999',
      oauth: {
        github: {
          clientId: 'atom-client',
          clientSecret: 'atom-secret',
          authorizeUrl: `${base}/authorize`,
          tokenUrl: `${base}/token`,
          testUrl: `${base}/userinfo`,
          revokeUrl: `${base}/revoke`,
        },
      },
    });
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
  });
  after(async () => {
    await built.close();
    await oauth.stop();
  });

  /** Plays the browser: follows the authorization URL and returns the callback query. */
  async function authorize(tenant: TestTenant, body: Record<string, unknown> = {}) {
    const res = await call(built.app, 'POST', '/api/integrations/github/connect', { key: tenant.key, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const url = new URL(res.body.data.authorization_url);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), 'http://127.0.0.1:3999/api/integrations/github/callback');
    const redirect = await fetch(url, { redirect: 'manual' });
    const back = new URL(redirect.headers.get('location')!);
    return back.search;
  }

  it('connects through the full flow and never shows the tokens', async () => {
    const query = await authorize(a);
    const cb = await call(built.app, 'GET', `/api/integrations/github/callback${query}`);
    assert.equal(cb.status, 200, JSON.stringify(cb.body));
    assert.equal(cb.body.data.integration.status, 'connected');
    const got = await call(built.app, 'GET', '/api/integrations/github', { key: a.key });
    assert.equal(got.body.data.integration.connected, true);
    assert.equal(got.body.data.integration.has_refresh_token, true);
    assert.ok(!JSON.stringify(got.body).includes(issued.at(-1)!));
    const [row] = await built.ctx.db.query<{ access_token: string }>(
      SYSTEM,
      "SELECT access_token FROM integrations WHERE provider = 'github' AND tenant_id = $1",
      [a.id],
    );
    assert.match(row.access_token, /^v1\./, 'stored encrypted');
    const status = await call(built.app, 'GET', '/api/integrations/github/status', { key: a.key });
    assert.deepEqual({ s: status.body.data.status, c: status.body.data.connected }, { s: 'connected', c: true });
    const list = await call(built.app, 'GET', '/api/integrations', { key: a.key });
    assert.deepEqual(list.body.data.integrations.map((i: { provider: string }) => i.provider).sort(), [
      'airtable',
      'github',
      'google',
      'microsoft',
      'salesforce',
      'slack',
    ]);
    const test = await call(built.app, 'POST', '/api/integrations/github/test', { key: a.key });
    assert.deepEqual(test.body.data, { provider: 'github', ok: true, status_code: 200, refreshed: false });
  });

  it('a replayed state is refused', async () => {
    const query = await authorize(a);
    assert.equal((await call(built.app, 'GET', `/api/integrations/github/callback${query}`)).status, 200);
    expectError(await call(built.app, 'GET', `/api/integrations/github/callback${query}`), 400, 'OAUTH_STATE_INVALID');
    expectError(
      await call(built.app, 'GET', '/api/integrations/github/callback?code=x&state=forged'),
      400,
      'OAUTH_STATE_INVALID',
    );
  });

  it('a wrong PKCE verifier makes the exchange fail', async () => {
    const query = await authorize(b);
    const state = new URLSearchParams(query).get('state')!;
    const forged = encryptSecret(built.ctx.config.encryptionKey, 'x'.repeat(43), `integration:${b.id}:github`);
    await built.ctx.db.query(
      SYSTEM,
      'UPDATE oauth_states SET code_verifier = $1 WHERE tenant_id = $2 AND used_at IS NULL',
      [forged, b.id],
    );
    expectError(
      await call(
        built.app,
        'GET',
        `/api/integrations/github/callback?` +
          `${new URLSearchParams({ code: new URLSearchParams(query).get('code')!, state })}`,
      ),
      502,
      'OAUTH_EXCHANGE_FAILED',
    );
    const st = await call(built.app, 'GET', '/api/integrations/github/status', { key: b.key });
    assert.equal(st.body.data.status, 'not_connected', "tenant B stays unconnected, and never sees A's connection");
  });

  it('refreshes a token about to expire before using it', async () => {
    await built.ctx.db.query(
      SYSTEM,
      "UPDATE integrations SET expires_at = now() + interval '10 seconds' WHERE tenant_id = $1",
      [a.id],
    );
    const before = issued.length;
    const test = await call(built.app, 'POST', '/api/integrations/github/test', { key: a.key });
    assert.equal(test.body.data.ok, true);
    assert.equal(test.body.data.refreshed, true);
    assert.equal(issued.length, before + 1);
    const creds = await integrationsService(built.ctx).credentials(a.id, 'github');
    assert.equal(creds.access_token, issued.at(-1), 'server-side skills get the fresh token');
  });

  it('refreshes once when the provider answers 401', async () => {
    userinfoOverride = 401;
    const test = await call(built.app, 'POST', '/api/integrations/github/test', { key: a.key });
    assert.deepEqual({ ok: test.body.data.ok, refreshed: test.body.data.refreshed }, { ok: true, refreshed: true });
  });

  it('a revoked grant marks the connection revoked', async () => {
    failRefresh = true;
    await built.ctx.db.query(SYSTEM, 'UPDATE integrations SET expires_at = now() WHERE tenant_id = $1', [a.id]);
    expectError(
      await call(built.app, 'POST', '/api/integrations/github/test', { key: a.key }),
      409,
      'INTEGRATION_NOT_CONNECTED',
    );
    failRefresh = false;
    const st = await call(built.app, 'GET', '/api/integrations/github/status', { key: a.key });
    assert.equal(st.body.data.status, 'revoked');
  });

  it('disconnect forgets the tokens and revokes them at the provider', async () => {
    const query = await authorize(a, { return_to: '/settings/integrations' });
    const cb = await built.app.inject({ method: 'GET', url: `/api/integrations/github/callback${query}` });
    assert.equal(cb.statusCode, 302);
    assert.equal(cb.headers.location, '/settings/integrations?integration=github&status=connected');
    const res = await call(built.app, 'POST', '/api/integrations/github/disconnect', { key: a.key });
    assert.deepEqual(res.body.data, { provider: 'github', disconnected: true, revoked_at_provider: true });
    assert.equal(revoked.length, 1);
    assert.equal(
      (await call(built.app, 'GET', '/api/integrations/github/status', { key: a.key })).body.data.status,
      'not_connected',
    );
  });

  it('set/get integration config keeps tokens encrypted and hidden', async () => {
    const put = await call(built.app, 'PUT', '/api/integrations/airtable/config', {
      key: b.key,
      body: {
        settings: { base_id: 'appXXXXXXXXXXXXXX' },
        access_token: 'pat-secret-token',
        token_expires_at: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.data.integration.status, 'connected');
    const get = await call(built.app, 'GET', '/api/integrations/airtable/config', { key: b.key });
    assert.equal(get.body.data.integration.settings.base_id, 'appXXXXXXXXXXXXXX');
    assert.ok(!JSON.stringify(get.body).includes('pat-secret-token'));
    assert.equal((await integrationsService(built.ctx).credentials(b.id, 'airtable')).access_token, 'pat-secret-token');
    assert.equal(
      (await call(built.app, 'GET', '/api/integrations/airtable/status', { key: a.key })).body.data.status,
      'not_connected',
    );
  });

  it('clear errors: unknown provider, unconfigured provider, bad return_to; permissions', async () => {
    expectError(
      await call(built.app, 'GET', '/api/integrations/myspace', { key: a.key }),
      404,
      'INTEGRATION_NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', '/api/integrations/slack/connect', { key: a.key }),
      503,
      'INTEGRATION_NOT_CONFIGURED',
    );
    expectError(
      await call(built.app, 'POST', '/api/integrations/github/connect', {
        key: a.key,
        body: { return_to: 'https://evil.test/' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/integrations/github/test', { key: b.key }),
      409,
      'INTEGRATION_NOT_CONNECTED',
    );
    const viewer = await makeKey(built.app, a, { role: 'viewer' });
    assert.equal((await call(built.app, 'GET', '/api/integrations', { key: viewer.key })).status, 200);
    expectError(
      await call(built.app, 'POST', '/api/integrations/github/connect', { key: viewer.key }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(await call(built.app, 'GET', '/api/integrations'), 401, 'AUTH_REQUIRED');
  });
});
