import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crashDeployment, exited, http, startServerProcess } from '../helpers/processes.js';

const M = '/api/agent-marketplace';

/**
 * Issue 22: kill -9 in the middle of a template install (ATOM_TEST_CRASH_AT, the test-only crash
 * point: after the agent row is written, then after the skill installs are written, both inside
 * the install's transaction), restart on the same database: no orphan agent and no partial install
 * exist, and the install can be retried. On the embedded database (a file-backed data directory)
 * without DATABASE_URL, on a fresh PostgreSQL database with it.
 */
describe('template install survives kill -9 mid-install', () => {
  it('leaves nothing behind after a crash at either point, and a retry installs', async () => {
    const { secrets, env, cleanup } = await crashDeployment();
    const admin = { 'x-admin-key': secrets.ATOM_ADMIN_KEY };
    let server = await startServerProcess(
      { ...env, ATOM_TEST_CRASH_AT: 'template-install:after-agent' },
      'test/fixtures/exec-server.ts',
      [],
    );
    try {
      const post = async (path: string, headers: Record<string, string>, body: unknown, status: number) => {
        const r = await http(`${server.url}${path}`, { method: 'POST', headers, body });
        assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
        return r.body;
      };
      const a = { 'x-api-key': (await post('/api/tenants', admin, { name: 'Publisher', plan: 'team' }, 201)).data.key };
      const b = { 'x-api-key': (await post('/api/tenants', admin, { name: 'Installer', plan: 'team' }, 201)).data.key };
      const own = await post(
        '/api/v1/skills/private',
        a,
        {
          name: 'CRM Lookup',
          description: 'lookup',
          skill_type: 'function',
          code: 'function execute(i){return i}',
          action: 'lookup',
        },
        201,
      );
      const skill = (await post('/api/skills/publish', a, { skill_id: own.skill_id }, 201)).marketplace_id;
      await post(`/api/skills/approve/${skill}`, admin, undefined, 200);
      const agent = (
        await post('/api/agents', a, { name: 'Sales Bot', role: 'custom', maturity_level: 'student' }, 201)
      ).data.agent.id;
      const tid = (
        await post(`${M}/publish`, a, { agent_id: agent, marketplace_type: 'public', required_skills: [skill] }, 201)
      ).component_id;
      await post(`${M}/agents/${tid}/approve`, admin, undefined, 200);

      /** What a half-done install would leave in the installer's tenant, read through the API. */
      const footprint = async () => {
        const agents = (await http(`${server.url}/api/agents?limit=100`, { headers: b })).body.data.agents.length;
        const installations = (await http(`${server.url}${M}/installations`, { headers: b })).body.total;
        const installs = (await http(`${server.url}${M}/agents/${tid}`, { headers: b })).body.agent.installs;
        return { agents, installations, installs };
      };
      assert.deepEqual(await footprint(), { agents: 0, installations: 0, installs: 0 });
      const install = () =>
        http(`${server.url}${M}/install/${tid}`, {
          method: 'POST',
          headers: b,
          body: { install_config: { api_keys: { crm: 'k' } } },
        });

      for (const next of ['template-install:after-skills', null]) {
        const gone = exited(server);
        await assert.rejects(install(), 'the process dies before it answers');
        assert.equal(await gone, 'SIGKILL');
        server = await startServerProcess(
          next ? { ...env, ATOM_TEST_CRASH_AT: next } : env,
          'test/fixtures/exec-server.ts',
          [],
        );
        assert.deepEqual(
          await footprint(),
          { agents: 0, installations: 0, installs: 0 },
          `nothing left after the crash before ${next ?? 'the retry'}`,
        );
      }

      const retry = await install();
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.deepEqual(
        [retry.body.status, retry.body.installed_skills, retry.body.api_keys_configured],
        ['installed', [skill], ['crm']],
      );
      assert.deepEqual(await footprint(), { agents: 1, installations: 1, installs: 1 });
      const again = await install();
      assert.equal(again.body.agent_id, retry.body.agent_id, 'installing again returns the same agent');
    } finally {
      await server.kill();
      await cleanup();
    }
  });
});
