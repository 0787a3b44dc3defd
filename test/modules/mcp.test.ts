import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

/** The MCP endpoint driven by the SDK's own Client over real HTTP. */
describe('MCP', () => {
  let built: Built;
  let url: string;
  let t: TestTenant;
  let student: string;
  let autonomous: string;
  before(async () => {
    built = await startApp();
    built.ctx.tools.register(standardKit());
    url = `${await built.app.listen({ port: 0, host: '127.0.0.1' })}/api/mcp`;
    t = await makeTenant(built.app);
    student = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'S', role: 'custom', maturity_level: 'student' },
      })
    ).body.data.agent.id;
    autonomous = (
      await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'A', role: 'custom', maturity_level: 'autonomous' },
      })
    ).body.data.agent.id;
  });
  after(() => built.close());

  async function connect(key: string, agent: string) {
    const client = new Client({ name: 'atom-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { 'x-api-key': key, 'x-agent-id': agent } },
      }),
    );
    return client;
  }

  it("lists the tenant's tools with their input schemas and calls one, governed and recorded", async () => {
    const client = await connect(t.key, student);
    const { tools } = await client.listTools();
    const search = tools.find((x) => x.name === 'web_search')!;
    assert.equal(search.inputSchema.type, 'object');
    assert.ok(search.description?.includes('Search'));
    const res = await client.callTool({ name: 'web_search', arguments: { task: 'mcp papers' } });
    assert.equal(res.isError, false);
    assert.deepEqual(JSON.parse((res.content as { text: string }[])[0].text), { results: ['paper about mcp papers'] });
    const executions = await call(built.app, 'GET', `/api/agents/${student}/executions`, { key: t.key });
    assert.ok(
      executions.body.data.executions.some(
        (e: { task: string; status: string }) => e.task === 'mcp tool call: web_search' && e.status === 'completed',
      ),
    );
    await client.close();
  });

  it('governance applies: a student may not delete; a high-risk tool needs approval', async () => {
    const client = await connect(t.key, student);
    const denied = await client.callTool({ name: 'record_deleter', arguments: {} });
    assert.equal(denied.isError, true);
    assert.equal(JSON.parse((denied.content as { text: string }[])[0].text).code, 'GOVERNANCE_DENIED');
    await client.close();
    const boss = await connect(t.key, autonomous);
    const risky = await boss.callTool({ name: 'wire_transfer', arguments: {} });
    assert.equal(JSON.parse((risky.content as { text: string }[])[0].text).code, 'APPROVAL_REQUIRED');
    const ok = await boss.callTool({ name: 'record_deleter', arguments: {} });
    assert.equal(ok.isError, false);
    await boss.close();
  });

  it('REST equivalents: /api/mcp/tools and /api/mcp/execute', async () => {
    const list = await call(built.app, 'POST', '/api/mcp/tools', { key: t.key, body: {} });
    assert.ok(list.body.data.tools.some((x: { name: string }) => x.name === 'sales_analyzer'));
    const run = await call(built.app, 'POST', '/api/mcp/execute', {
      key: t.key,
      body: { agent_id: student, tool: 'web_search', arguments: { task: 'x' } },
    });
    assert.equal(run.body.data.ok, true);
    assert.match(run.body.data.execution_id, /^exe_/);
    expectError(
      await call(built.app, 'POST', '/api/mcp/execute', {
        key: t.key,
        body: { agent_id: student, tool: 'sales_analyzer' },
      }),
      403,
      'GOVERNANCE_DENIED',
    );
    expectError(
      await call(built.app, 'POST', '/api/mcp/execute', { key: t.key, body: { agent_id: student, tool: 'nope' } }),
      404,
      'TOOL_NOT_FOUND',
    );
  });

  it('security: the API key authenticates; other tenants cannot use the agent or the session', async () => {
    await assert.rejects(connect('sk-atomNOPE', student));
    const other = await makeTenant(built.app);
    const client = await connect(other.key, student);
    const res = await client.callTool({ name: 'web_search', arguments: {} });
    assert.equal(JSON.parse((res.content as { text: string }[])[0].text).code, 'AGENT_NOT_FOUND');
    await client.close();
    expectError(
      await call(built.app, 'POST', '/api/mcp/execute', {
        key: other.key,
        body: { agent_id: student, tool: 'web_search' },
      }),
      404,
      'AGENT_NOT_FOUND',
    );
    const read = await makeKey(built.app, t, { scope: 'read' });
    expectError(
      await call(built.app, 'POST', '/api/mcp/execute', {
        key: read.key,
        body: { agent_id: student, tool: 'web_search' },
      }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    assert.equal(
      (await call(built.app, 'POST', '/api/mcp/tools', { key: read.key, body: {} })).status,
      200,
      'listing is a read',
    );
  });
});
