import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
const M = '/api/v1/domains/marketplace';
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

async function createDomain(t: TestTenant, over: Record<string, unknown> = {}) {
  const res = await call(built.app, 'POST', '/api/v1/domains', {
    key: t.key,
    body: {
      name: 'Sales Automation',
      description: 'Advanced sales workflows',
      category: 'sales',
      topics: ['methodology'],
      knowledge: { playbook: 'qualify, propose, close' },
      ...over,
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.domain.domain_id as string;
}

async function submitted(t: TestTenant, over: Record<string, unknown> = {}, approve = true) {
  const id = await createDomain(t, over);
  const res = await call(built.app, 'POST', `${M}/submit`, {
    key: t.key,
    body: { domain_id: id, price_usd: 29.99, license_type: 'MIT', tags: ['sales', 'crm'] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body, {
    success: true,
    domain_id: id,
    status: 'pending_approval',
    price_usd: 29.99,
    license_type: 'MIT',
    marketplace_type: 'public',
  });
  if (approve) assert.equal((await call(built.app, 'POST', `${M}/${id}/approve`, { admin: true })).status, 200);
  return id;
}

describe('domain marketplace', () => {
  it('submit → pending, hidden from other tenants, approved by the platform admin only', async () => {
    const id = await submitted(a, { name: 'Pending Pipeline' }, false);
    // Another tenant, anonymous callers and search cannot see a pending submission.
    expectError(await call(built.app, 'GET', `${M}/${id}`, { key: b.key }), 404, 'DOMAIN_NOT_FOUND');
    expectError(await call(built.app, 'GET', `${M}/${id}`), 404, 'DOMAIN_NOT_FOUND');
    assert.equal((await call(built.app, 'GET', `${M}/search?q=pipeline`, { key: b.key })).body.length, 0);
    // The owner sees it in its submissions and by id.
    const mine = await call(built.app, 'GET', `${M}/my-submissions`, { key: a.key });
    assert.equal(mine.status, 200);
    const row = mine.body.find((s: any) => s.domain_id === id);
    assert.equal(row.status, 'pending_approval');
    assert.equal(row.domain_name, 'Pending Pipeline');
    for (const k of ['price_usd', 'install_count', 'rating_average']) assert.ok(k in row, k);
    assert.equal((await call(built.app, 'GET', `${M}/my-submissions`, { key: b.key })).body.length, 0);
    // Tenant owners, admins and members are not platform reviewers, not even for their own submission.
    expectError(await call(built.app, 'POST', `${M}/${id}/approve`, { key: a.key }), 403, 'FORBIDDEN');
    const member = await makeKey(built.app, a, { role: 'member' });
    expectError(await call(built.app, 'POST', `${M}/${id}/approve`, { key: member.key }), 403, 'FORBIDDEN');
    expectError(await call(built.app, 'POST', `${M}/${id}/reject`, { key: a.key }), 403, 'FORBIDDEN');
    const ok = await call(built.app, 'POST', `${M}/${id}/approve`, { admin: true });
    assert.deepEqual(ok.body, { success: true, domain_id: id, status: 'approved' });
    expectError(await call(built.app, 'POST', `${M}/${id}/approve`, { admin: true }), 409, 'CONFLICTING_OPERATION');
    expectError(
      await call(built.app, 'POST', `${M}/submit`, { key: a.key, body: { domain_id: id } }),
      409,
      'ALREADY_PUBLISHED',
    );
    expectError(await call(built.app, 'POST', `${M}/dom_missing/approve`, { admin: true }), 404, 'DOMAIN_NOT_FOUND');
  });

  it('reject with a reason', async () => {
    const id = await submitted(a, { name: 'Weak Domain' }, false);
    const res = await call(built.app, 'POST', `${M}/${id}/reject?reason=Does%20not%20meet%20quality%20standards`, {
      admin: true,
    });
    assert.deepEqual(res.body, {
      success: true,
      domain_id: id,
      status: 'rejected',
      reason: 'Does not meet quality standards',
    });
    expectError(await call(built.app, 'GET', `${M}/${id}`, { key: b.key }), 404, 'DOMAIN_NOT_FOUND');
    assert.equal(
      (await call(built.app, 'GET', `${M}/my-submissions`, { key: a.key })).body.find((s: any) => s.domain_id === id)
        .rejection_reason,
      'Does not meet quality standards',
    );
    // A rejected domain can be submitted again under the same id; the review starts over.
    const again = await call(built.app, 'POST', `${M}/submit`, { key: a.key, body: { domain_id: id, price_usd: 5 } });
    assert.equal(again.status, 201);
    assert.equal(again.body.status, 'pending_approval');
    assert.equal(again.body.price_usd, 5);
    expectError(
      await call(built.app, 'POST', `${M}/submit`, { key: a.key, body: { domain_id: id } }),
      409,
      'ALREADY_PUBLISHED',
    );
    assert.equal((await call(built.app, 'POST', `${M}/${id}/approve`, { admin: true })).body.status, 'approved');
    assert.equal((await call(built.app, 'GET', `${M}/${id}`, { key: b.key })).body.price_usd, 5);
  });

  it('search, details, trending and stats in the documented shapes', async () => {
    const id = await submitted(a, { name: 'Revenue Operations', description: 'Forecasting and pipeline hygiene' });
    const cheap = await submitted(a, { name: 'Revenue Basics', description: 'Forecasting for beginners' });
    await call(built.app, 'POST', `${M}/submit`, {
      key: a.key,
      body: { domain_id: await createDomain(a, { name: 'x' }) },
    });
    const res = await call(built.app, 'GET', `${M}/search?q=forecasting&category=sales&tags=crm&limit=10`);
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    const hit = res.body.find((d: any) => d.id === id);
    assert.deepEqual(
      Object.keys(hit).sort(),
      [
        'category',
        'description',
        'domain_name',
        'domain_slug',
        'id',
        'install_count',
        'license_type',
        'price_usd',
        'publisher_tenant_id',
        'rating_average',
        'rating_count',
        'tags',
      ].sort(),
    );
    assert.equal(hit.domain_slug, 'revenue-operations');
    assert.equal(hit.publisher_tenant_id, a.id);
    assert.equal(hit.price_usd, 29.99);
    assert.ok(res.body.some((d: any) => d.id === cheap));
    assert.equal((await call(built.app, 'GET', `${M}/search?q=forecasting&max_price=10`)).body.length, 0);
    expectError(await call(built.app, 'GET', `${M}/search?limit=101`), 400, 'INVALID_LIMIT');

    const det = await call(built.app, 'GET', `${M}/${id}`);
    assert.equal(det.status, 200);
    assert.equal(det.body.domain_name, 'Revenue Operations');
    assert.equal(det.body.license_type, 'MIT');
    assert.deepEqual(det.body.tags, ['sales', 'crm']);

    const tr = await call(built.app, 'GET', `${M}/trending?limit=5`);
    assert.equal(tr.status, 200);
    assert.deepEqual(Object.keys(tr.body[0]).sort(), ['domain_name', 'id', 'install_count', 'rating_average']);
    assert.equal((await call(built.app, 'GET', `${M}/trending?limit=51`)).status, 400);

    const st = await call(built.app, 'GET', `${M}/stats`);
    assert.equal(st.status, 200);
    assert.deepEqual(Object.keys(st.body).sort(), [
      'approved_domains',
      'pending_domains',
      'total_domains',
      'total_installs',
    ]);
    assert.ok(st.body.approved_domains >= 2);
    assert.ok(st.body.pending_domains >= 1);
    assert.ok(st.body.total_domains >= st.body.approved_domains + st.body.pending_domains);
  });

  it('install with custom_name makes a tenant domain only that tenant sees; twice returns the first', async () => {
    const id = await submitted(a, { name: 'Support Triage', topics: ['tickets'] });
    const res = await call(built.app, 'POST', `${M}/install`, {
      key: b.key,
      body: { template_domain_id: id, custom_name: 'My Sales Domain' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.success, true);
    assert.equal(res.body.domain_name, 'My Sales Domain');
    assert.equal(res.body.template_id, id);
    assert.notEqual(res.body.domain_id, id);
    const installed = res.body.domain_id;

    const got = await call(built.app, 'GET', `/api/v1/domains/${installed}`, { key: b.key });
    assert.equal(got.status, 200);
    assert.equal(got.body.domain.domain_name, 'My Sales Domain');
    assert.equal(got.body.domain.domain_slug, 'my-sales-domain');
    assert.equal(got.body.domain.template_id, id);
    assert.deepEqual(got.body.domain.topics, ['tickets']);
    const list = await call(built.app, 'GET', '/api/v1/domains?installed=true', { key: b.key });
    assert.ok(list.body.domains.some((d: any) => d.domain_id === installed));
    expectError(await call(built.app, 'GET', `/api/v1/domains/${installed}`, { key: a.key }), 404, 'DOMAIN_NOT_FOUND');

    const again = await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: id } });
    assert.equal(again.body.domain_id, installed);
    assert.equal(again.body.status, 'already_installed');
    assert.equal((await call(built.app, 'GET', `${M}/${id}`)).body.install_count, 1);
    // An installed domain is not the installer's to list.
    expectError(
      await call(built.app, 'POST', `${M}/submit`, { key: b.key, body: { domain_id: installed } }),
      403,
      'NOT_OWNER',
    );
  });

  it('install validation: unknown id, pending id, dependencies, config schema', async () => {
    expectError(
      await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: 'dom_nope' } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    const pending = await submitted(a, { name: 'Not Yet' }, false);
    expectError(
      await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: pending } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    expectError(await call(built.app, 'POST', `${M}/install`, { key: b.key, body: {} }), 400, 'VALIDATION_ERROR');

    const base = await submitted(a, { name: 'Base Knowledge' });
    const dependent = await submitted(a, { name: 'Advanced Knowledge', requires_domains: [base] });
    const dep = await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: dependent } });
    expectError(dep, 422, 'DEPENDENCY_MISSING');
    assert.deepEqual(dep.body.error.details.missing_dependencies, [base]);
    assert.equal(
      (await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: base } })).status,
      200,
    );
    assert.equal(
      (await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: dependent } })).status,
      200,
    );

    const schema = {
      type: 'object',
      required: ['region'],
      properties: { region: { type: 'string', enum: ['eu', 'us'] } },
    };
    const configured = await submitted(a, {
      name: 'Regional Compliance',
      config_schema: schema,
      config: { region: 'eu' },
    });
    const bad = await call(built.app, 'POST', `${M}/install`, {
      key: b.key,
      body: { template_domain_id: configured, config: { region: 'mars' } },
    });
    expectError(bad, 400, 'CONFIG_SCHEMA_INVALID');
    assert.equal(bad.body.error.details.errors[0].path, '/region');
    const good = await call(built.app, 'POST', `${M}/install`, {
      key: b.key,
      body: { template_domain_id: configured, config: { region: 'us' } },
    });
    assert.equal(good.status, 200);
    assert.deepEqual(
      (await call(built.app, 'GET', `/api/v1/domains/${good.body.domain_id}`, { key: b.key })).body.domain.config,
      { region: 'us' },
    );
    // A domain whose own default config breaks its schema is refused at creation.
    const badDefault = await call(built.app, 'POST', '/api/v1/domains', {
      key: a.key,
      body: { name: 'Broken', config_schema: schema, config: {} },
    });
    expectError(badDefault, 400, 'CONFIG_SCHEMA_INVALID');
  });

  it('rating: half stars, one per tenant, a second rating updates it, never the publisher', async () => {
    const id = await submitted(a, { name: 'Rated Domain' });
    const c = await makeTenant(built.app, 'team');
    let res = await call(built.app, 'POST', `${M}/${id}/rate`, { key: b.key, body: { rating: 4.5 } });
    assert.deepEqual(res.body, { success: true, domain_id: id, rating: 4.5, new_average: 4.5, total_ratings: 1 });
    expectError(
      await call(built.app, 'POST', `${M}/${id}/rate`, { key: a.key, body: { rating: 3 } }),
      403,
      'CANNOT_RATE_OWN_LISTING',
    );
    res = await call(built.app, 'POST', `${M}/${id}/rate`, { key: c.key, body: { rating: 3 } });
    assert.equal(res.body.total_ratings, 2);
    assert.equal(res.body.new_average, 3.8);
    res = await call(built.app, 'POST', `${M}/${id}/rate`, { key: b.key, body: { rating: 5 } });
    assert.equal(res.body.total_ratings, 2, 'same tenant updates');
    assert.equal(res.body.new_average, 4);
    const det = await call(built.app, 'GET', `${M}/${id}`);
    assert.equal(det.body.rating_average, 4);
    assert.equal(det.body.rating_count, 2);
    expectError(
      await call(built.app, 'POST', `${M}/${id}/rate`, { key: b.key, body: { rating: 4.3 } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', `${M}/${id}/rate`, { key: b.key, body: { rating: 6 } }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', `${M}/dom_nope/rate`, { key: b.key, body: { rating: 4 } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    const pending = await submitted(a, { name: 'Unrated' }, false);
    expectError(
      await call(built.app, 'POST', `${M}/${pending}/rate`, { key: b.key, body: { rating: 4 } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
  });

  it("submit refuses another tenant's domain (404) and a free plan publishing publicly", async () => {
    const id = await createDomain(a, { name: 'Mine Only' });
    expectError(
      await call(built.app, 'POST', `${M}/submit`, { key: b.key, body: { domain_id: id } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    const free = await makeTenant(built.app, 'free');
    const fid = await createDomain(free);
    expectError(
      await call(built.app, 'POST', `${M}/submit`, { key: free.key, body: { domain_id: fid } }),
      403,
      'PLAN_RESTRICTED',
    );
    const priv = await call(built.app, 'POST', `${M}/submit`, {
      key: free.key,
      body: { domain_id: fid, marketplace_type: 'private' },
    });
    assert.equal(priv.body.status, 'approved');
    // A private listing is for its own tenant only.
    expectError(await call(built.app, 'GET', `${M}/${fid}`, { key: b.key }), 404, 'DOMAIN_NOT_FOUND');
    expectError(
      await call(built.app, 'POST', `${M}/install`, { key: b.key, body: { template_domain_id: fid } }),
      404,
      'DOMAIN_NOT_FOUND',
    );
    assert.ok(!(await call(built.app, 'GET', `${M}/search`, { key: b.key })).body.some((d: any) => d.id === fid));
    assert.equal((await call(built.app, 'GET', `${M}/${fid}`, { key: free.key })).body.status, 'approved');
  });
});
