import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { SYSTEM } from '../../src/platform/db/index.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeTenant, type TestTenant } from '../helpers/http.js';
import { join, signUp } from '../helpers/members.js';

/** Keys and value types of a JSON value, without the values: what an observer can tell apart. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, shape(x)]),
    );
  return v === null ? 'null' : typeof v;
}

describe('invitations instead of attaching users', () => {
  let built: Built;
  let a: TestTenant;
  let b: TestTenant;
  before(async () => {
    built = await startApp();
    a = await makeTenant(built.app);
    b = await makeTenant(built.app);
  });
  after(() => built.close());

  const invite = (t: TestTenant, email: string, role = 'member') =>
    call(built.app, 'POST', '/api/members', { key: t.key, body: { email, role } });
  const emails = async (t: TestTenant) =>
    (await call(built.app, 'GET', '/api/members', { key: t.key })).body.data.members.map(
      (m: { email: string }) => m.email,
    );

  it('answers a known and an unknown email the same way: status, body shape, status pending', async () => {
    const known = await invite(a, b.ownerEmail);
    const unknown = await invite(a, `nobody.${Date.now()}@example.com`);
    assert.equal(known.status, 201, JSON.stringify(known.body));
    assert.equal(unknown.status, known.status);
    assert.deepEqual(shape(unknown.body), shape(known.body));
    for (const r of [known, unknown]) {
      assert.equal(r.body.data.invitation.status, 'pending');
      assert.equal(r.body.data.invitation.role, 'member');
      assert.equal(Object.keys(r.body.data).join(), 'invitation');
    }
    // A password in the body (the old way to create an account) changes nothing either way.
    const withPw = await call(built.app, 'POST', '/api/members', {
      key: a.key,
      body: { email: `new.${Date.now()}@example.com`, role: 'viewer', password: 'some password' },
    });
    assert.equal(withPw.status, 201);
    assert.deepEqual(shape(withPw.body), shape(known.body));
    assert.ok(!(await emails(a)).includes(b.ownerEmail), "B's owner is not attached to A");
  });

  it('the invited user is not a member until they accept; accepting grants the invited role', async () => {
    const p = await signUp(built.app);
    const inv = (await invite(a, p.email, 'admin')).body.data.invitation;
    assert.ok(!(await emails(a)).includes(p.email));
    expectError(
      await call(built.app, 'POST', '/api/auth/switch-tenant', { token: p.token, body: { tenant_id: a.id } }),
      404,
      'TENANT_NOT_FOUND',
    );
    const pending = (await call(built.app, 'GET', '/api/members/invitations', { key: a.key })).body.data.invitations;
    assert.equal(pending.find((i: { id: string }) => i.id === inv.id).status, 'pending');

    const mine = await call(built.app, 'GET', '/api/invitations', { token: p.token });
    assert.equal(mine.status, 200);
    const seen = mine.body.data.invitations.find((i: { id: string }) => i.id === inv.id);
    assert.equal(seen.tenant_id, a.id);
    assert.equal(seen.role, 'admin');

    const acc = await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: p.token });
    assert.equal(acc.status, 200, JSON.stringify(acc.body));
    assert.deepEqual(acc.body.data.membership, { tenant_id: a.id, tenant_name: seen.tenant_name, role: 'admin' });
    assert.equal(acc.body.data.invitation.status, 'accepted');
    assert.ok((await emails(a)).includes(p.email));
    const sw = await call(built.app, 'POST', '/api/auth/switch-tenant', { token: p.token, body: { tenant_id: a.id } });
    assert.equal(sw.body.data.role, 'admin');
    assert.equal((await call(built.app, 'GET', '/api/members', { token: sw.body.data.access_token })).status, 200);
    // Answered: gone from the list, and a second answer is 404.
    assert.ok(
      !(await call(built.app, 'GET', '/api/invitations', { token: p.token })).body.data.invitations.some(
        (i: { id: string }) => i.id === inv.id,
      ),
    );
    expectError(
      await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: p.token }),
      404,
      'NOT_FOUND',
    );
  });

  it('another user cannot see, accept or decline it (404)', async () => {
    const p = await signUp(built.app);
    const other = await signUp(built.app);
    const inv = (await invite(a, p.email)).body.data.invitation;
    assert.ok(
      !(await call(built.app, 'GET', '/api/invitations', { token: other.token })).body.data.invitations.some(
        (i: { id: string }) => i.id === inv.id,
      ),
    );
    expectError(
      await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: other.token }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(built.app, 'POST', `/api/invitations/${inv.id}/decline`, { token: other.token }),
      404,
      'NOT_FOUND',
    );
    // A's owner cannot accept it for them either (their token is for A, but the invitation is not theirs).
    const owner = (
      await call(built.app, 'POST', '/api/auth/login', { body: { email: a.ownerEmail, password: a.ownerPassword } })
    ).body.data.access_token;
    expectError(await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: owner }), 404, 'NOT_FOUND');
    expectError(
      await call(built.app, 'POST', '/api/invitations/inv_nope/accept', { token: p.token }),
      404,
      'NOT_FOUND',
    );
    assert.ok(!(await emails(a)).includes(other.email));
  });

  it('decline, withdraw, re-invite and expiry', async () => {
    const p = await signUp(built.app);
    const first = (await invite(a, p.email, 'viewer')).body.data.invitation;
    const again = (await invite(a, p.email.toUpperCase(), 'member')).body.data.invitation;
    assert.equal(again.id, first.id, 'one pending invitation per email: inviting again renews it');
    assert.equal(again.role, 'member');
    const dec = await call(built.app, 'POST', `/api/invitations/${first.id}/decline`, { token: p.token });
    assert.equal(dec.status, 200);
    assert.equal(dec.body.data.invitation.status, 'declined');
    assert.ok(!(await emails(a)).includes(p.email));

    const withdrawn = (await invite(a, p.email)).body.data.invitation;
    assert.notEqual(withdrawn.id, first.id);
    expectError(
      await call(built.app, 'DELETE', `/api/members/invitations/${withdrawn.id}`, { key: b.key }),
      404,
      'NOT_FOUND',
    );
    const del = await call(built.app, 'DELETE', `/api/members/invitations/${withdrawn.id}`, { key: a.key });
    assert.equal(del.body.data.invitation.status, 'revoked');
    expectError(
      await call(built.app, 'POST', `/api/invitations/${withdrawn.id}/accept`, { token: p.token }),
      404,
      'NOT_FOUND',
    );

    // Seven days later (the clock moved by hand: the only write here that is not through the API).
    const late = (await invite(a, p.email)).body.data.invitation;
    await built.ctx.db.query(
      SYSTEM,
      "UPDATE member_invitations SET expires_at = now() - interval '1 second' WHERE id = $1",
      [late.id],
    );
    assert.ok(
      !(await call(built.app, 'GET', '/api/invitations', { token: p.token })).body.data.invitations.some(
        (i: { id: string }) => i.id === late.id,
      ),
    );
    expectError(
      await call(built.app, 'POST', `/api/invitations/${late.id}/accept`, { token: p.token }),
      404,
      'NOT_FOUND',
    );
    const listed = (await call(built.app, 'GET', '/api/members/invitations', { key: a.key })).body.data.invitations;
    assert.equal(listed.find((i: { id: string }) => i.id === late.id).status, 'expired');
    assert.ok(!(await emails(a)).includes(p.email));
  });

  it('an email with no account yet: the invitation waits for the signup, then is accepted', async () => {
    const email = `later.${Date.now()}@example.com`;
    const inv = (await invite(b, email, 'viewer')).body.data.invitation;
    const p = await signUp(built.app, email);
    const acc = await call(built.app, 'POST', `/api/invitations/${inv.id}/accept`, { token: p.token });
    assert.equal(acc.body.data.membership.role, 'viewer');
    expectError(await invite(b, email), 409, 'ALREADY_EXISTS');
  });

  it("security: 401 without a credential, 403 for API keys and for non-managers, 403 above one's own role", async () => {
    const p = await signUp(built.app);
    const inv = (await invite(a, p.email)).body.data.invitation;
    for (const [m, url] of [
      ['GET', '/api/invitations'],
      ['POST', `/api/invitations/${inv.id}/accept`],
      ['POST', `/api/invitations/${inv.id}/decline`],
      ['GET', '/api/members/invitations'],
      ['DELETE', `/api/members/invitations/${inv.id}`],
      ['POST', '/api/members'],
    ] as const) {
      expectError(
        await call(
          built.app,
          m,
          url,
          m === 'POST' && url === '/api/members' ? { body: { email: p.email, role: 'member' } } : {},
        ),
        401,
        'AUTH_REQUIRED',
      );
    }
    for (const [m, url] of [
      ['GET', '/api/invitations'],
      ['POST', `/api/invitations/${inv.id}/accept`],
      ['POST', `/api/invitations/${inv.id}/decline`],
    ] as const) {
      expectError(await call(built.app, m, url, { key: a.key }), 403, 'FORBIDDEN');
    }
    const memberToken = await join(built.app, b, await signUp(built.app), 'member');
    expectError(
      await call(built.app, 'GET', '/api/members/invitations', { token: memberToken }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    expectError(
      await call(built.app, 'POST', '/api/members', { token: memberToken, body: { email: p.email, role: 'member' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    const adminToken = await join(built.app, b, await signUp(built.app), 'admin');
    expectError(
      await call(built.app, 'POST', '/api/members', { token: adminToken, body: { email: p.email, role: 'owner' } }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
    // Still pending and untouched by all of the above.
    assert.ok(
      (await call(built.app, 'GET', '/api/invitations', { token: p.token })).body.data.invitations.some(
        (i: { id: string }) => i.id === inv.id,
      ),
    );
  });
});
