import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';
import { join, signUp } from '../helpers/members.js';

/** An agent above student skips graduation: only those who may graduate agents (GRADUATION_MANAGE) start one there. */
describe('maturity above student needs GRADUATION_MANAGE', () => {
  let built: Built;
  let t: TestTenant;
  let publisher: TestTenant;
  let memberKey: string;
  let adminKey: string;
  let memberToken: string;
  before(async () => {
    built = await startApp();
    t = await makeTenant(built.app, 'team');
    publisher = await makeTenant(built.app, 'team');
    memberKey = (await makeKey(built.app, t, { role: 'member' })).key;
    adminKey = (await makeKey(built.app, t, { role: 'admin' })).key;
    memberToken = await join(built.app, t, await signUp(built.app), 'member');
  });
  after(() => built.close());

  const create = (auth: { key?: string; token?: string }, maturity_level: string) =>
    call(built.app, 'POST', '/api/agents', {
      ...auth,
      body: { name: `A ${maturity_level} ${Date.now()}`, role: 'custom', maturity_level },
    });

  it('a member (key or user token) cannot create an agent above student; an admin or owner can', async () => {
    for (const level of ['intern', 'supervised', 'autonomous']) {
      for (const auth of [{ key: memberKey }, { token: memberToken }]) {
        const r = await create(auth, level);
        expectError(r, 403, 'INSUFFICIENT_PERMISSIONS');
        assert.equal(r.body.error.details.required_permission, 'GRADUATION_MANAGE');
      }
    }
    assert.equal((await create({ key: memberKey }, 'student')).status, 201);
    const byAdmin = await create({ key: adminKey }, 'autonomous');
    assert.equal(byAdmin.status, 201, JSON.stringify(byAdmin.body));
    assert.equal(byAdmin.body.data.agent.maturity_level, 'autonomous');
    assert.equal((await create({ key: t.key }, 'supervised')).body.data.agent.maturity_level, 'supervised');
    const names = (await call(built.app, 'GET', '/api/agents?limit=100', { key: t.key })).body.data.agents
      .map((a: { maturity_level: string }) => a.maturity_level)
      .sort();
    assert.deepEqual(names, ['autonomous', 'student', 'supervised'], 'refused creates left nothing behind');
  });

  it('an update never changes maturity, for a member or an admin (graduation does)', async () => {
    const id = (await create({ key: memberKey }, 'student')).body.data.agent.id;
    for (const key of [memberKey, adminKey]) {
      expectError(
        await call(built.app, 'PUT', `/api/agents/${id}`, { key, body: { maturity_level: 'autonomous' } }),
        400,
        'VALIDATION_ERROR',
      );
    }
    assert.equal(
      (await call(built.app, 'GET', `/api/agents/${id}`, { key: memberKey })).body.data.agent.maturity_level,
      'student',
    );
  });

  it("a template install starts at student for a member, at the template's level (intern at most) for an admin", async () => {
    const src = await call(built.app, 'POST', '/api/agents', {
      key: publisher.key,
      body: {
        name: 'Closer',
        description: 'Closes deals',
        role: 'marketing-agent',
        maturity_level: 'autonomous',
        capabilities: ['sales'],
      },
    });
    assert.equal(src.status, 201, JSON.stringify(src.body));
    const pub = await call(built.app, 'POST', '/api/agent-marketplace/publish', {
      key: publisher.key,
      body: {
        agent_id: src.body.data.agent.id,
        marketplace_type: 'public',
        name: 'Closer',
        description: 'Closes deals',
      },
    });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    const template = pub.body.component_id as string;
    assert.equal(
      (await call(built.app, 'POST', `/api/agent-marketplace/agents/${template}/approve`, { admin: true })).status,
      200,
    );

    const byMember = await call(built.app, 'POST', `/api/agent-marketplace/install/${template}`, { key: memberKey });
    assert.equal(byMember.status, 200, JSON.stringify(byMember.body));
    assert.equal(byMember.body.maturity_level, 'student');
    const agent = await call(built.app, 'GET', `/api/agents/${byMember.body.agent_id}`, { key: memberKey });
    assert.equal(agent.body.data.agent.maturity_level, 'student');

    const other = await makeTenant(built.app, 'team');
    const byOwner = await call(built.app, 'POST', `/api/agent-marketplace/install/${template}`, { key: other.key });
    assert.equal(byOwner.body.maturity_level, 'intern');
  });
});
