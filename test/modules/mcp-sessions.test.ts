import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startApp } from '../helpers/app.js';
import { makeTenant, type TestTenant } from '../helpers/http.js';

/** MCP sessions bounded per tenant and expired when idle, driven by the SDK's own Client over real HTTP. */
async function serve(overrides: Parameters<typeof startApp>[0]) {
  const built = await startApp(overrides);
  const url = `${await built.app.listen({ port: 0, host: '127.0.0.1' })}/api/mcp`;
  return { built, url };
}

async function connect(
  url: string,
  key: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'atom-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'x-api-key': key } } });
  await client.connect(transport);
  return { client, transport };
}

/** An initialize request as a client sends it, answered as plain HTTP. */
function initialize(url: string, key: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });
}

describe('MCP sessions per tenant', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    s = await serve({ mcpSessionsPerTenant: 2 });
    [a, b] = [await makeTenant(s.built.app), await makeTenant(s.built.app)];
  });
  after(() => s.built.close());

  it(
    "refuses a session beyond the tenant's cap with 429 MCP_SESSION_LIMIT; other tenants and closed sessions are " +
      'unaffected',
    async () => {
      const first = await connect(s.url, a.key);
      const second = await connect(s.url, a.key);
      await assert.rejects(connect(s.url, a.key), /429|MCP_SESSION_LIMIT/);
      const raw = await initialize(s.url, a.key);
      assert.equal(raw.status, 429);
      assert.ok(Number(raw.headers.get('retry-after')) >= 1);
      const body = await raw.json();
      assert.equal(body.error.code, 'MCP_SESSION_LIMIT');
      assert.equal(body.error.details.limit, 2);

      // Another tenant has its own cap.
      const other = await connect(s.url, b.key);
      assert.ok((await other.client.listTools()).tools);
      // The tenant's sessions still work, and closing one (DELETE /api/mcp) makes room.
      assert.ok((await first.client.listTools()).tools);
      await second.transport.terminateSession();
      await second.client.close();
      const third = await connect(s.url, a.key);
      assert.ok((await third.client.listTools()).tools);
      for (const c of [first, other, third]) await c.client.close();
    },
  );
});

describe('MCP idle sessions', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  let a: TestTenant;
  before(async () => {
    s = await serve({ mcpSessionsPerTenant: 1, mcpSessionIdleMs: 1000 });
    a = await makeTenant(s.built.app);
  });
  after(() => s.built.close());

  it('closes a session left idle; a request for it then gets 404 and the client initializes a new one', async () => {
    const idle = await connect(s.url, a.key);
    const sessionId = idle.transport.sessionId!;
    assert.ok(sessionId);
    const held = await initialize(s.url, a.key);
    assert.equal(held.status, 429, 'the tenant holds its one session');
    await held.body?.cancel();
    // Wait on observable state without touching the idle session: a new session is admitted once it expired.
    const deadline = Date.now() + 60_000;
    let res = await initialize(s.url, a.key);
    while (res.status === 429) {
      assert.ok(Date.now() < deadline, 'the idle session never expired');
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
      res = await initialize(s.url, a.key);
    }
    assert.equal(res.status, 200);
    const replacement = res.headers.get('mcp-session-id');
    await res.body?.cancel();
    assert.ok(replacement && replacement !== sessionId);
    await fetch(s.url, { method: 'DELETE', headers: { 'x-api-key': a.key, 'mcp-session-id': replacement } });

    const gone = await fetch(s.url, {
      method: 'POST',
      headers: {
        'x-api-key': a.key,
        'mcp-session-id': sessionId,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(gone.status, 404);
    await assert.rejects(idle.client.listTools(), /404|not found/i);
    await idle.client.close();
    const again = await connect(s.url, a.key);
    assert.ok((await again.client.listTools()).tools);
    await again.client.close();
  });
});
