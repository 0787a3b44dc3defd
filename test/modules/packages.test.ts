import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareVersions, satisfies } from '../../src/modules/packages/versions.js';
import { startApp } from '../helpers/app.js';
import { call, expectError, makeKey, makeTenant, type TestTenant } from '../helpers/http.js';

let built: Awaited<ReturnType<typeof startApp>>;
let a: TestTenant;
let b: TestTenant;
before(async () => {
  built = await startApp();
  a = await makeTenant(built.app, 'team');
  b = await makeTenant(built.app, 'team');
});
after(() => built.close());

const skill = (over: Record<string, unknown>) => ({
  name: 'Pkg skill',
  description: 'uses packages',
  skill_type: 'script',
  code: 'print(1)',
  ...over,
});
const createSkill = (t: TestTenant, over: Record<string, unknown>) =>
  call(built.app, 'POST', '/api/v1/skills/private', { key: t.key, body: skill(over) });

describe('version ranges', () => {
  it('compares dotted versions, pre-releases before releases', () => {
    assert.ok(compareVersions('2.0.0', '1.9.9') > 0);
    assert.equal(compareVersions('2.0', '2.0.0'), 0);
    assert.ok(compareVersions('1.10.0', '1.9.0') > 0);
    assert.ok(compareVersions('1.0.0rc1', '1.0.0') < 0);
  });
  it('evaluates AND, OR and wildcard ranges', () => {
    assert.equal(satisfies('1.5.0', '<2.0.0'), true);
    assert.equal(satisfies('2.0.0', '<2.0.0'), false);
    assert.equal(satisfies('2.0.3', '<1.26.18 || >=2.0.0 <2.0.7'), true);
    assert.equal(satisfies('1.26.18', '<1.26.18 || >=2.0.0 <2.0.7'), false);
    assert.equal(satisfies('9.9', '*'), true);
    assert.equal(satisfies('1.0', 'nonsense'), false);
  });
});

describe('vulnerability database', () => {
  it('is seeded from the advisory file and answers per package and version', async () => {
    let res = await call(built.app, 'GET', '/api/packages/requests/vulnerabilities?package_type=python', {
      key: a.key,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.vulnerable, true);
    assert.deepEqual(res.body.vulnerabilities.map((v: any) => v.cve).sort(), ['CVE-2023-32681', 'CVE-2024-35195']);
    assert.equal(res.body.safe_version, '2.32.0');
    res = await call(built.app, 'GET', '/api/packages/requests/vulnerabilities?package_type=python&version=2.31.0', {
      key: a.key,
    });
    assert.deepEqual(
      res.body.vulnerabilities.map((v: any) => v.cve),
      ['CVE-2024-35195'],
    );
    res = await call(built.app, 'GET', '/api/packages/requests/vulnerabilities?version=2.32.3', { key: a.key });
    assert.deepEqual([res.body.vulnerable, res.body.total], [false, 0]);
    res = await call(built.app, 'GET', '/api/packages/no-such-package/vulnerabilities', { key: a.key });
    assert.deepEqual([res.status, res.body.total, res.body.safe_version], [200, 0, null]);
    expectError(
      await call(built.app, 'GET', '/api/packages/requests/vulnerabilities?package_type=ruby', { key: a.key }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(await call(built.app, 'GET', '/api/packages/requests/vulnerabilities'), 401, 'AUTH_REQUIRED');
  });

  it('admins add advisories; the next skill declaring the package is refused', async () => {
    expectError(
      await call(built.app, 'POST', '/api/admin/packages/advisories', { key: a.key, body: {} }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await call(built.app, 'POST', '/api/admin/packages/advisories', {
        admin: true,
        body: {
          package_name: 'numpy',
          package_type: 'python',
          cve: 'CVE-2099-0001',
          severity: 'HIGH',
          affected: 'not a range',
        },
      }),
      400,
      'VALIDATION_ERROR',
    );
    const res = await call(built.app, 'POST', '/api/admin/packages/advisories', {
      admin: true,
      body: {
        package_name: 'NumPy',
        package_type: 'python',
        cve: 'CVE-2099-0001',
        severity: 'HIGH',
        affected: '<1.22.0',
        safe_version: '1.22.0',
        description: 'Buffer overflow',
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const bad = await createSkill(a, { python_packages: [{ name: 'numpy', version: '1.21.0' }] });
    expectError(bad, 403, 'PACKAGE_VULNERABILITY');
    assert.deepEqual(bad.body.error.details.vulnerabilities, [
      { severity: 'HIGH', cve: 'CVE-2099-0001', description: 'Buffer overflow' },
    ]);
    assert.equal((await createSkill(a, { python_packages: [{ name: 'numpy', version: '1.26.4' }] })).status, 201);
    const list = await call(built.app, 'GET', '/api/admin/packages/advisories?package_name=numpy', { admin: true });
    assert.equal(list.body.advisories[0].source, 'admin');
    assert.equal(
      (await call(built.app, 'DELETE', `/api/admin/packages/advisories/${list.body.advisories[0].id}`, { admin: true }))
        .status,
      200,
    );
    assert.equal((await createSkill(a, { python_packages: [{ name: 'numpy', version: '1.21.0' }] })).status, 201);
  });
});

describe('declared packages', () => {
  it("refuses a package outside the whitelist with the seeds' details", async () => {
    const res = await createSkill(a, { python_packages: [{ name: 'malicious-package', version: '1.0.0' }] });
    expectError(res, 403, 'PACKAGE_NOT_WHITELISTED');
    assert.equal(res.body.error.details.package_name, 'malicious-package');
    assert.equal(res.body.error.details.package_type, 'python');
    assert.match(res.body.error.details.request_url, /\/api\/packages\/request$/);
  });

  it('refuses a vulnerable version with current and safe versions', async () => {
    const res = await createSkill(a, { python_packages: [{ name: 'requests', version: '2.28.0' }] });
    expectError(res, 403, 'PACKAGE_VULNERABILITY');
    const d = res.body.error.details;
    assert.deepEqual(
      [d.package_name, d.current_version, d.safe_version, d.vulnerabilities.length],
      ['requests', '2.28.0', '2.32.0', 2],
    );
    assert.match(res.body.error.message, /2 known security vulnerabilities/);
    assert.equal(
      (
        await createSkill(a, {
          python_packages: [{ name: 'Requests', version: '2.32.3' }],
          npm_packages: [{ name: 'lodash', version: '4.17.21' }],
        })
      ).status,
      201,
    );
  });

  it('request → admin approval (tenant scope) → only that tenant may use it', async () => {
    const body = {
      package_name: 'data-package',
      package_type: 'python',
      version: '1.0.0',
      reason: 'Required for data analysis skill',
    };
    const first = await call(built.app, 'POST', '/api/packages/request', { key: a.key, body });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'pending');
    const again = await call(built.app, 'POST', '/api/packages/request', { key: a.key, body });
    assert.deepEqual(
      [again.status, again.body.request_id],
      [200, first.body.request_id],
      'a pending duplicate is returned',
    );
    assert.equal(
      (await call(built.app, 'GET', '/api/packages/requests', { key: b.key })).body.total,
      0,
      "B does not see A's requests",
    );
    assert.equal(
      (await call(built.app, 'GET', '/api/packages/requests', { key: a.key })).body.requests[0].package_name,
      'data-package',
    );

    const queue = await call(built.app, 'GET', '/api/admin/packages/requests', { admin: true });
    assert.ok(queue.body.requests.some((r: any) => r.id === first.body.request_id && r.tenant_id === a.id));
    expectError(
      await call(built.app, 'POST', `/api/admin/packages/requests/${first.body.request_id}/approve`, {
        key: a.key,
        body: {},
      }),
      403,
      'FORBIDDEN',
    );
    const ok = await call(built.app, 'POST', `/api/admin/packages/requests/${first.body.request_id}/approve`, {
      admin: true,
      body: { scope: 'tenant', version_range: '>=1.0.0' },
    });
    assert.deepEqual([ok.status, ok.body.request.status, ok.body.request.scope], [200, 'approved', 'tenant']);
    expectError(
      await call(built.app, 'POST', `/api/admin/packages/requests/${first.body.request_id}/reject`, {
        admin: true,
        body: {},
      }),
      409,
      'CONFLICTING_OPERATION',
    );
    expectError(
      await call(built.app, 'POST', '/api/admin/packages/requests/pkr_nope/approve', { admin: true, body: {} }),
      404,
      'NOT_FOUND',
    );

    assert.equal(
      (await createSkill(a, { python_packages: [{ name: 'data_package', version: '1.2.0' }] })).status,
      201,
      'PEP 503 name match',
    );
    expectError(
      await createSkill(a, { python_packages: [{ name: 'data-package', version: '0.9.0' }] }),
      403,
      'PACKAGE_NOT_WHITELISTED',
    );
    expectError(
      await createSkill(b, { python_packages: [{ name: 'data-package', version: '1.2.0' }] }),
      403,
      'PACKAGE_NOT_WHITELISTED',
    );
    const w = await call(built.app, 'GET', '/api/packages/whitelist', { key: a.key });
    assert.ok(w.body.packages.some((p: any) => p.package_name === 'data-package' && p.scope === 'tenant'));
    assert.equal(
      (await call(built.app, 'GET', '/api/packages/whitelist', { key: b.key })).body.packages.some(
        (p: any) => p.package_name === 'data-package',
      ),
      false,
    );
    const already = await call(built.app, 'POST', '/api/packages/request', { key: a.key, body });
    assert.deepEqual([already.status, already.body.status], [200, 'approved']);
  });

  it('rejection is recorded; bad input is a validation error', async () => {
    const r = await call(built.app, 'POST', '/api/packages/request', {
      key: b.key,
      body: { package_name: 'left-pad', package_type: 'npm' },
    });
    const rej = await call(built.app, 'POST', `/api/admin/packages/requests/${r.body.request_id}/reject`, {
      admin: true,
      body: { reason: 'Use String.prototype.padStart' },
    });
    assert.deepEqual(
      [rej.body.request.status, rej.body.request.review_reason],
      ['rejected', 'Use String.prototype.padStart'],
    );
    expectError(
      await call(built.app, 'POST', '/api/packages/request', {
        key: b.key,
        body: { package_name: 'x', package_type: 'ruby' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectError(
      await call(built.app, 'POST', '/api/packages/request', {
        key: b.key,
        body: { package_name: '../etc', package_type: 'npm' },
      }),
      400,
      'VALIDATION_ERROR',
    );
    const viewer = await makeKey(built.app, b, { role: 'viewer' });
    expectError(
      await call(built.app, 'POST', '/api/packages/request', {
        key: viewer.key,
        body: { package_name: 'x', package_type: 'npm' },
      }),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it('install checks packages again, writes nothing on refusal, and records them on success', async () => {
    const c = await createSkill(a, {
      name: 'Frame tool',
      skill_type: 'function',
      code: 'function execute() { return 1; }',
      python_packages: [{ name: 'pandas', version: '2.0.0' }],
    });
    const p = await call(built.app, 'POST', '/api/skills/publish', {
      key: a.key,
      body: { skill_id: c.body.skill_id, license: 'MIT', action: 'analyze' },
    });
    const id = p.body.marketplace_id;
    await call(built.app, 'POST', `/api/skills/approve/${id}`, { admin: true });
    const adv = await call(built.app, 'POST', '/api/admin/packages/advisories', {
      admin: true,
      body: {
        package_name: 'pandas',
        package_type: 'python',
        cve: 'CVE-2099-0002',
        severity: 'CRITICAL',
        affected: '<2.1.0',
        safe_version: '2.1.0',
      },
    });
    expectError(
      await call(built.app, 'POST', '/api/v1/skills/private/install', {
        key: b.key,
        body: { marketplace_skill_id: id },
      }),
      403,
      'PACKAGE_VULNERABILITY',
    );
    assert.equal(
      (await call(built.app, 'GET', '/api/v1/skills/private?is_installed=true', { key: b.key })).body.total,
      0,
      'nothing installed',
    );
    assert.deepEqual((await call(built.app, 'GET', '/api/packages/installed', { key: b.key })).body.packages, []);
    await call(built.app, 'DELETE', `/api/admin/packages/advisories/${adv.body.advisory.id}`, { admin: true });
    const ins = await call(built.app, 'POST', '/api/v1/skills/private/install', {
      key: b.key,
      body: { marketplace_skill_id: id },
    });
    assert.equal(ins.status, 200, JSON.stringify(ins.body));
    assert.deepEqual(ins.body.packages_installed, [
      { package_name: 'pandas', package_type: 'python', version: '2.0.0', status: 'installed' },
    ]);
    const mine = await call(built.app, 'GET', '/api/packages/installed', { key: b.key });
    assert.deepEqual(
      mine.body.packages.map((x: any) => [x.package_name, x.required_by]),
      [['pandas', id]],
    );
    const details = await call(built.app, 'GET', `/api/public/v1/marketplace/skills/${id}`);
    assert.deepEqual(
      [details.body.license, details.body.python_packages],
      ['MIT', [{ name: 'pandas', version: '2.0.0' }]],
    );
  });

  it('a whitelist entry removed by an admin stops new skills declaring it', async () => {
    assert.equal(
      (await call(built.app, 'DELETE', '/api/admin/packages/whitelist/npm/date-fns', { admin: true })).status,
      200,
    );
    expectError(
      await createSkill(a, { npm_packages: [{ name: 'date-fns', version: '3.0.0' }] }),
      403,
      'PACKAGE_NOT_WHITELISTED',
    );
    assert.equal(
      (
        await call(built.app, 'POST', '/api/admin/packages/whitelist', {
          admin: true,
          body: { package_name: 'date-fns', package_type: 'npm', version_range: '>=3.0.0' },
        })
      ).status,
      201,
    );
    assert.equal((await createSkill(a, { npm_packages: [{ name: 'date-fns', version: '3.0.0' }] })).status, 201);
    expectError(
      await call(built.app, 'DELETE', '/api/admin/packages/whitelist/npm/never-listed', { admin: true }),
      404,
      'NOT_FOUND',
    );
  });
});
