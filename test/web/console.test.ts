import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { OAuth2Server } from 'oauth2-mock-server';
import type { Page } from 'playwright-core';
import type { Built } from '../../src/app.js';
import { seedCatalogue } from '../../src/seed/run.js';
import { ADMIN_KEY, firstPassOnly, startApp } from '../helpers/app.js';
import { freePort, openBrowser, requireChromium, screenshotsDir } from '../helpers/browser.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { startReceiver } from '../helpers/receiver.js';
import { standardKit } from '../helpers/tools.js';

/**
 * The web console end to end: Debian's Chromium driven by playwright-core against the real
 * server listening on loopback (the same process serves the API and the built console).
 */
const SHOTS = screenshotsDir();
describe('web console in headless Chromium', firstPassOnly, () => {
  let built: Built;
  let base: string;
  let a: TestTenant;
  let b: TestTenant;
  let page: Page;
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let oauth: OAuth2Server;
  const consoleErrors: string[] = [];

  before(async () => {
    requireChromium();
    const build = spawnSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
    assert.equal(build.status, 0, 'web console build failed');
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    const issuer = oauth.issuer.url!;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    built = await startApp({
      allowInsecureWebhooks: true,
      webhookRetryScheduleMs: [0, 300, 300],
      publicUrl: base,
      oauth: {
        github: {
          clientId: 'atom-client',
          clientSecret: 'atom-secret',
          authorizeUrl: `${issuer}/authorize`,
          tokenUrl: `${issuer}/token`,
          testUrl: `${issuer}/userinfo`,
          revokeUrl: `${issuer}/revoke`,
        },
      },
    });
    built.ctx.tools.register(standardKit());
    await built.app.listen({ port, host: '127.0.0.1' });
    a = await makeTenant(built.app, 'team', 'Acme Robotics');
    b = await makeTenant(built.app, 'team', 'Beta Labs');
    // A's owner also belongs to B (invited, and accepted), so the tenant switcher has something to switch to.
    const m = await call(built.app, 'POST', '/api/members', {
      key: b.key,
      body: { email: a.ownerEmail, role: 'admin' },
    });
    assert.equal(m.status, 201, JSON.stringify(m.body));
    const owner = await call(built.app, 'POST', '/api/auth/login', {
      body: { email: a.ownerEmail, password: a.ownerPassword },
    });
    const accepted = await call(built.app, 'POST', `/api/invitations/${m.body.data.invitation.id}/accept`, {
      token: owner.body.data.access_token,
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    rx = await startReceiver();
    browser = await openBrowser(consoleErrors);
    ({ page } = browser);
  });

  after(async () => {
    await browser?.close();
    await rx?.close();
    await oauth?.stop();
    await built?.close();
  });

  // Where the page stood when each step ended, for debugging a failure (not committed).
  afterEach(async (t) => {
    await page
      ?.screenshot({ path: join(tmpdir(), `atom-console-${t.name.slice(0, 24).replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const nav = (label: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const signOut = () => page.getByRole('button', { name: 'Sign out' }).click();

  it('serves the console at / and index.html for client routes, never for /api', async () => {
    const root = await fetch(`${base}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type') ?? '', /text\/html/);
    assert.match(root.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const deep = await fetch(`${base}/agents/agt_whatever`);
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api = await fetch(`${base}/api/nope`);
    assert.equal(api.status, 404);
    assert.equal((await api.json()).error.code, 'NOT_FOUND');
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
    assert.equal((await fetch(`${base}/api/docs`)).status, 200, 'API docs still served');
    assert.equal((await fetch(`${base}/../package.json`)).status, 200, 'normalised to / (the SPA), not the repo file');
    assert.doesNotMatch(await (await fetch(`${base}/%2e%2e/package.json`)).text(), /atom-server/);
  });

  it('signs in with an API key, creates a webhook, an agent, executes it and watches it finish', async () => {
    await page.goto(`${base}/`);
    await shot('sign-in');
    await page.getByLabel('API key', { exact: true }).fill('sk-atomnotarealkey000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('API key', { exact: true }).fill(a.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByText('No agents yet').waitFor();

    await nav('Webhooks');
    await page.getByLabel('URL').fill(rx.url);
    await page.getByLabel('Events').fill('agent.created, agent.executed');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secret = await page.getByTestId('secret-value').textContent();
    assert.match(secret ?? '', /^whsec_/);
    await page.getByRole('button', { name: 'I have stored it' }).click();

    await nav('Agents');
    await page.getByRole('button', { name: 'New agent' }).click();
    await page.getByLabel('Name').fill('Research helper');
    await page.getByLabel('Description').fill('Finds papers');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Research helper' }).waitFor();
    assert.match(page.url(), /\/agents\/agt_/);

    await page.getByLabel('Task', { exact: true }).fill('Search for recent AI research papers');
    const streamed = page.waitForRequest((r) => /\/executions\/exe_[A-Za-z0-9]+\/stream$/.test(r.url()));
    await page.getByRole('button', { name: 'Execute' }).click();
    const progress = page.getByTestId('execution-progress');
    await streamed; // progress follows the execution's Server-Sent Events stream
    await progress.getByText('completed', { exact: true }).waitFor();
    assert.equal(await progress.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
    await progress.getByText('Tools used: web_search').waitFor();
    await progress.getByText(/Reasoning trace \(\d+ steps\)/).click();
    await progress.getByText(/embedded deterministic planner/).waitFor();
    await progress.getByText(/Reasoning trace \(\d+ steps\)/).click();
    await page
      .getByRole('region', { name: 'Recent executions' })
      .getByText('Search for recent AI research papers')
      .first()
      .waitFor();
    await page.getByRole('region', { name: 'Episodes' }).getByText('Search for recent AI research papers').waitFor();
    await page.getByRole('img', { name: 'Readiness components' }).waitFor();

    await page.getByLabel('Justification').fill('Reliable on research tasks so far');
    await page.getByRole('button', { name: 'Promote' }).click();
    await page.getByText('Moved from student to intern.').waitFor();
    await page.getByTestId('graduation-history').getByText('student → intern').waitFor();
    // A second run: readiness over time is charted after each episode, with its components.
    await page.getByLabel('Task', { exact: true }).fill('Find recent papers on agents');
    await page.getByRole('button', { name: 'Execute' }).click();
    await page
      .getByRole('region', { name: 'Recent executions' })
      .getByText('Find recent papers on agents')
      .first()
      .waitFor();
    await page.getByRole('img', { name: /Readiness over time: after episode 1 .*after episode 2 / }).waitFor();
    await page.getByText('■ zero intervention').waitFor();
    await shot('agent-detail');

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Finds and summarises papers');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Finds and summarises papers').waitFor();

    await nav('Agents');
    await page.getByRole('link', { name: 'Research helper' }).waitFor();
    await page.getByLabel('Maturity').selectOption('autonomous');
    await page.getByText('No agent matches these filters.').waitFor();
    await page.getByLabel('Maturity').selectOption('intern');
    await page.getByRole('link', { name: 'Research helper' }).waitFor();
    await shot('agents');

    await nav('Webhooks');
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    const log = page.getByTestId('deliveries');
    // Two executions above: two agent.executed deliveries, both must succeed.
    const executedOk = log.getByRole('row').filter({ hasText: 'agent.executed' }).filter({ hasText: 'succeeded' });
    for (let i = 0; i < 50 && (await executedOk.count()) < 2; i++) {
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    assert.equal(await executedOk.count(), 2, 'both agent.executed deliveries succeeded');
    assert.ok(
      rx.received.some((r) => r.body.includes('agent.executed')),
      'the receiver got agent.executed',
    );
    const before = rx.received.length;
    await log.getByRole('row').filter({ hasText: 'agent.created' }).getByRole('button', { name: 'Redeliver' }).click();
    for (let i = 0; i < 50 && rx.received.length === before; i++) await page.waitForTimeout(100);
    assert.ok(rx.received.length > before, 'redelivered');
    await shot('webhooks');
  });

  it('creates and revokes an API key, shows usage against the plan, connects and disconnects an OAuth integration', async () => {
    await nav('API keys');
    await page.getByLabel('Name').fill('ci key');
    await page.getByRole('button', { name: 'Create key' }).click();
    assert.match((await page.getByTestId('secret-value').textContent()) ?? '', /^sk-atom/);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('cell', { name: 'ci key', exact: true }).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Revoke ci key' }).click();
    await page.getByRole('row').filter({ hasText: 'ci key' }).getByText('revoked').waitFor();

    await nav('Usage');
    await page.getByRole('heading', { name: 'Usage on the team plan' }).waitFor();
    await page.getByText('1 of 25').waitFor();
    await shot('usage');
    // Connect goes through the provider's authorization page (a real OAuth 2.0 server on loopback) and back.
    await nav('Integrations');
    const github = page.getByRole('article').filter({ hasText: 'GitHub' });
    await github.getByText('not connected').waitFor();
    await github.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(/\/settings\/integrations\?integration=github&status=connected/);
    await page.getByText('github is connected.').waitFor();
    await github.getByText('connected', { exact: true }).waitFor();
    await shot('integrations');
    await github.getByRole('button', { name: 'Disconnect' }).click();
    await github.getByText('not connected').waitFor();
  });

  it('a supervised agent waits for a human: approve it on the Approvals page and the execution finishes', async () => {
    const created = await call(built.app, 'POST', '/api/agents', {
      key: a.key,
      body: { name: 'Mailer', role: 'custom', maturity_level: 'supervised' },
    });
    const agentId = created.body.data.agent.id;
    await page.goto(`${base}/agents/${agentId}`);
    await page.getByLabel('Task', { exact: true }).fill('Send email to customers about the renewal');
    await page.getByRole('button', { name: 'Execute' }).click();
    await page.getByTestId('execution-progress').getByText('Waiting for a human approval').waitFor();
    await nav('Approvals');
    const card = page.locator('.card').filter({ hasText: 'send_email' });
    await card.getByLabel('Note').fill('Renewal mail is fine');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No pending approvals.').waitFor();
    await page.getByRole('tab', { name: 'approved' }).click();
    await page.getByText('Note: Renewal mail is fine').waitFor();
    await page.goto(`${base}/agents/${agentId}`);
    const row = page
      .getByRole('region', { name: 'Recent executions' })
      .getByRole('row')
      .filter({ hasText: 'Send email to customers' });
    for (
      let i = 0;
      i < 30 &&
      !(await row
        .getByText('completed')
        .isVisible()
        .catch(() => false));
      i++
    ) {
      await page.waitForTimeout(300);
      await page.reload();
    }
    await row.getByText('completed').waitFor();
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByRole('link', { name: 'Research helper' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Mailer' }).count(), 0, 'deleted');
  });

  let listingUrl = '';
  it('publishes a skill with a configuration schema', async () => {
    await nav('Skills');
    await page.getByRole('link', { name: 'Publish a skill' }).click();
    await page.getByLabel('Name').fill('CSV Summariser');
    await page.getByLabel('Short description').fill('Summarise CSV data tables');
    // Required, from GET /api/governance/actions (Playwright waits for the option to load).
    await page.getByLabel('Governance action').selectOption('summarize');
    await page.getByLabel('Category').fill('productivity');
    await page.getByLabel('Tags').fill('data, csv');
    await page
      .getByLabel('Configuration schema (JSON Schema, optional)')
      .fill('{"type":"object","required":["region"],"properties":{"region":{"type":"string"}}}');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('heading', { name: 'CSV Summariser' }).waitFor();
    listingUrl = new URL(page.url()).pathname;
    assert.match(listingUrl, /^\/marketplace\/skills\/mkt_/);
    await page.getByRole('heading', { name: 'Versions' }).waitFor();
    await page.getByText('Initial version').waitFor();
    await page.getByLabel('Version name').fill('v2');
    await page.getByLabel('What changed').fill('Handles semicolons');
    await page.getByRole('button', { name: 'Save a version' }).click();
    await page.getByText('Version v2 saved.').waitFor();
    await page.getByText('Handles semicolons').waitFor();
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByText('Rolled back to v1.').waitFor();
  });

  it('rejects a spam listing with a reason and approves the skill in the review queue as the platform admin', async () => {
    const spam = await call(built.app, 'POST', '/api/v1/skills/private', {
      key: a.key,
      body: {
        name: 'Spam skill',
        description: 'Buy now',
        skill_type: 'function',
        code: 'function execute(){return 1}',
      },
    });
    await call(built.app, 'POST', '/api/skills/publish', {
      key: a.key,
      body: { skill_id: spam.body.skill_id, action: 'read' },
    });
    await signOut();
    // Keyboard only: arrow keys move between the sign-in tabs, Enter submits.
    await page.getByRole('tab', { name: 'API key' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Platform admin' }).getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN_KEY);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const card = page.getByRole('article').filter({ hasText: 'CSV Summariser' });
    await card.getByText('From Acme Robotics').waitFor();
    await shot('review-queue');
    const spamCard = page.getByRole('article').filter({ hasText: 'Spam skill' });
    await spamCard.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('alert').filter({ hasText: 'Give a reason' }).waitFor();
    await spamCard.getByLabel('Reason').fill('Advertising, not a skill');
    await spamCard.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Spam skill rejected.').waitFor();
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('CSV Summariser approved.').waitFor();
    await page.getByText('Nothing waits for review.').waitFor();
  });

  it('adds a federation peer, issues it a key shown once that works until revoked, disables it, as the platform admin', async () => {
    await nav('Federation peers');
    await page.getByText(/No peers yet/).waitFor();
    // The peer is this same server on loopback: adding it fetches its well-known public keys for real.
    await page.getByLabel('Peer name').fill('Sister instance');
    await page.getByLabel('Base URL').fill(base);
    await page.getByRole('button', { name: 'Add peer' }).click();
    await page.getByText(/Sister instance added \(public keys: fetched/).waitFor();
    const card = page.getByRole('article').filter({ hasText: 'Sister instance' });
    await card.getByText(/[1-9] public keys?/).waitFor();
    await card.getByRole('button', { name: 'Keys', exact: true }).click();
    await card.getByText(/No key issued/).waitFor();
    await card.getByRole('button', { name: 'Issue a key' }).click();
    const key = (await page.getByTestId('secret-value').textContent()) ?? '';
    const discover = () =>
      fetch(`${base}/api/federation/v1/marketplace/skills`, {
        headers: { 'x-federation-key': key, 'x-federation-source': base },
      });
    assert.equal((await discover()).status, 200, 'the issued key opens the federation API');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await shot('federation');
    page.once('dialog', (d) => d.accept());
    await card.getByRole('button', { name: /^Revoke / }).click();
    await card.getByText('revoked', { exact: true }).waitFor();
    assert.equal((await discover()).status, 401, 'a revoked key is refused');
    await card.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Sister instance disabled.').waitFor();
    await card.getByText('disabled', { exact: true }).waitFor();
  });

  it('installs it from a second tenant (plain-words validation error first), rates it, switches tenant', async () => {
    await signOut();
    await page.getByRole('tab', { name: 'Email and password' }).click();
    await page.getByLabel('Email').fill(b.ownerEmail);
    await page.getByLabel('Password').fill(b.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await nav('Skills');
    await page.getByLabel('Search', { exact: true }).fill('csv');
    await page.getByRole('link', { name: 'CSV Summariser' }).click();
    await page.getByRole('heading', { name: 'CSV Summariser' }).waitFor();

    await page.getByRole('button', { name: 'Install' }).click();
    const err = page.getByRole('alert').filter({ hasText: 'Not installed' });
    await err.waitFor();
    assert.match(
      (await err.textContent()) ?? '',
      /configuration does not fit this listing.*required property 'region'/,
    );
    await page.getByLabel('Configuration (JSON)').fill('{"region": "eu"}');
    await page.getByRole('button', { name: 'Install' }).click();
    await page.getByText('Skill installed successfully').waitFor();
    await page.getByTestId('listing-installs').getByText('1').waitFor();

    await page.getByLabel('4 stars').check();
    await page.getByLabel('Review (optional)').fill('Saved me an afternoon');
    await page.getByRole('button', { name: 'Submit rating' }).click();
    await page.getByText('your 4-star rating is saved').waitFor();
    await page.getByTestId('reviews').getByText('Saved me an afternoon').waitFor();
    await page.getByTestId('listing-rating').getByText('4.0 (1)').waitFor();
    await page.getByText('Version history is visible to the publisher only.').waitFor();
    await shot('skill-listing');
    await nav('Skills');
    await page.getByRole('link', { name: 'CSV Summariser' }).waitFor();
    await shot('marketplace');

    // Another marketplace kind, empty here: a clear empty state; a listing that does not exist: a clear error state.
    await nav('Domains');
    await page.getByText('No domains are published yet.').waitFor();
    await page.goto(`${base}/marketplace/domains/dom_does_not_exist`);
    await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();

    // A's owner belongs to both tenants: sign in by password and switch.
    await signOut();
    await page.getByRole('tab', { name: 'Email and password' }).click();
    await page.getByLabel('Email').fill(a.ownerEmail);
    await page.getByLabel('Password').fill(a.ownerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Research helper' }).waitFor();
    await page.getByLabel('Tenant').selectOption({ label: 'Beta Labs (team)' });
    await page.getByText('No agents yet').waitFor();
    await page.reload();
    await page.getByText('No agents yet').waitFor();
    assert.equal(await page.getByLabel('Tenant').inputValue(), b.id, 'the session survives a reload (sessionStorage)');
  });

  it('works at phone width with the keyboard', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByLabel('Tenant').selectOption({ label: 'Acme Robotics (team)' });
    await page.getByRole('link', { name: 'Research helper' }).waitFor();
    const menu = page.getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.focus();
    await page.keyboard.press('Enter');
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).waitFor();
    await shot('phone-agents');
    await page.keyboard.press('Enter');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `no horizontal scroll at phone width (${width}px)`);
    assert.deepEqual(
      consoleErrors.filter((e) => !/status of (4\d\d)/.test(e)),
      [],
      'no script errors (CSP included)',
    );
  });

  it('browses, installs and rates every other marketplace kind from the seeded catalogue', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
    const kinds = [
      { nav: 'Agent templates', item: 'Sales Outreach Agent' },
      { nav: 'Domains', item: 'B2B Sales Playbook' },
      { nav: 'Canvas components', item: 'Data Table' },
      { nav: 'Workflow templates', item: 'Daily Email Digest' },
    ];
    for (const k of kinds) {
      await nav(k.nav);
      await page.getByRole('link', { name: k.item }).click();
      await page.getByRole('heading', { name: k.item }).waitFor();
      if (k.nav === 'Canvas components') await page.getByLabel('Name of the new canvas').fill('Pipeline board');
      await page.getByRole('button', { name: 'Install' }).click();
      await page
        .locator('.notice')
        .filter({ hasText: /installed/i })
        .waitFor();
      await page.getByLabel('5 stars').check();
      await page.getByRole('button', { name: 'Submit rating' }).click();
      await page.getByText('your 5-star rating is saved').waitFor();
    }
    const canvases = await call(built.app, 'GET', '/api/canvases', { key: a.key });
    const board = canvases.body.canvases.find((c: { name: string }) => c.name === 'Pipeline board');
    assert.ok(board, 'the new canvas was created');
    const detail = await call(built.app, 'GET', `/api/canvases/${board.id}`, { key: a.key });
    assert.deepEqual(
      detail.body.canvas.components.map((c: { name: string }) => c.name),
      ['Data Table'],
      'the component went into the new canvas',
    );
  });
});
