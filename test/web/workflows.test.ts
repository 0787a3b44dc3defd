import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Built } from '../../src/app.js';
import { firstPassOnly, startApp } from '../helpers/app.js';
import { freePort, openBrowser, requireChromium, screenshotsDir } from '../helpers/browser.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { standardKit } from '../helpers/tools.js';

/**
 * Workflows in the web console, end to end: Debian's Chromium driven by playwright-core against
 * the real server on loopback. A missing Chromium fails the suite: a browser test that cannot
 * run has not passed.
 */
const SHOTS = screenshotsDir();
/** trigger → transform → output: greets `input.name`. */
const GRAPH = {
  nodes: [
    { id: 'start', type: 'trigger', label: 'Start' },
    { id: 'greet', type: 'transform', label: 'Greet', config: { expression: '{"greeting": \'Hello \' & input.name}' } },
    { id: 'done', type: 'output', label: 'Result' },
  ],
  edges: [
    { source: 'start', target: 'greet' },
    { source: 'greet', target: 'done' },
  ],
};
const NODE_IDS = GRAPH.nodes.map((n) => n.id);

/** A workflow with an input schema: a private template with one required field, imported. */
async function workflowWithSchema(built: Built, t: TestTenant): Promise<string> {
  const tpl = await call(built.app, 'POST', '/api/marketplace/templates/advanced', {
    key: t.key,
    body: {
      name: 'Greeter',
      description: 'Says hello to someone',
      category: 'demo',
      workflow_data: GRAPH,
      input_schema: [{ name: 'name', type: 'text', label: 'Name', required: true, description: 'Who to greet' }],
    },
  });
  assert.equal(tpl.status, 201, JSON.stringify(tpl.body));
  const imported = await call(built.app, 'POST', `/api/marketplace/templates/${tpl.body.id}/import`, { key: t.key });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  // An import is named "Imported: …": the console shows the name it is given.
  const renamed = await call(built.app, 'PUT', `/api/workflows/${imported.body.id}`, {
    key: t.key,
    body: { name: 'Greeter' },
  });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  return imported.body.id;
}

/** A loopback endpoint that holds every request until the test releases it: a run stays running. */
async function heldEndpoint() {
  const waiting: http.ServerResponse[] = [];
  let arrived: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      waiting.push(res);
      arrived();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    /** Resolves once a request is being held. */
    held: () =>
      new Promise<void>((r) => {
        if (waiting.length) r();
        else arrived = r;
      }),
    release: () => {
      for (const res of waiting.splice(0))
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('workflows in the web console (headless Chromium)', firstPassOnly, () => {
  let built: Built;
  let base: string;
  let a: TestTenant;
  let page: Page;
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  let greeterId: string;
  let plainId: string;
  let slowId: string;
  let mailerId: string;
  let slow: Awaited<ReturnType<typeof heldEndpoint>>;
  const consoleErrors: string[] = [];

  before(async () => {
    requireChromium();
    const build = spawnSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
    assert.equal(build.status, 0, 'web console build failed');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    built = await startApp({ allowInsecureWebhooks: true, publicUrl: base });
    built.ctx.tools.register(standardKit());
    await built.app.listen({ port, host: '127.0.0.1' });
    a = await makeTenant(built.app, 'team', 'Acme Robotics');
    greeterId = await workflowWithSchema(built, a);
    const plain = await call(built.app, 'POST', '/api/workflows', {
      key: a.key,
      body: { name: 'Plain greeter', ...GRAPH },
    });
    assert.equal(plain.status, 201, JSON.stringify(plain.body));
    plainId = plain.body.workflow.id;
    slow = await heldEndpoint();
    const slowWf = await call(built.app, 'POST', '/api/workflows', {
      key: a.key,
      body: {
        name: 'Slow caller',
        nodes: [
          { id: 'start', type: 'trigger' },
          {
            id: 'call',
            type: 'http',
            label: 'Call the slow service',
            config: { method: 'POST', url: slow.url, body: {} },
          },
          { id: 'done', type: 'output' },
        ],
        edges: [
          { source: 'start', target: 'call' },
          { source: 'call', target: 'done' },
        ],
      },
    });
    assert.equal(slowWf.status, 201, JSON.stringify(slowWf.body));
    slowId = slowWf.body.workflow.id;
    // A supervised agent asks a human before it sends mail: its node parks the run.
    const agent = await call(built.app, 'POST', '/api/agents', {
      key: a.key,
      body: { name: 'Mailer', role: 'custom', maturity_level: 'supervised' },
    });
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const mailer = await call(built.app, 'POST', '/api/workflows', {
      key: a.key,
      body: {
        name: 'Renewal mail',
        nodes: [
          { id: 'start', type: 'trigger' },
          {
            id: 'mail',
            type: 'agent',
            label: 'Mail the customers',
            config: { agent: 'Mailer', task: 'Send email to customers about the renewal' },
          },
          { id: 'done', type: 'output' },
        ],
        edges: [
          { source: 'start', target: 'mail' },
          { source: 'mail', target: 'done' },
        ],
      },
    });
    assert.equal(mailer.status, 201, JSON.stringify(mailer.body));
    mailerId = mailer.body.workflow.id;
    browser = await openBrowser(consoleErrors);
    ({ page } = browser);
  });

  after(async () => {
    await browser?.close();
    slow?.release();
    await slow?.close();
    await built?.close();
  });

  afterEach(async (t) => {
    await page
      ?.screenshot({ path: join(tmpdir(), `atom-workflows-${t.name.slice(0, 24).replace(/\W+/g, '-')}.png`) })
      .catch(() => undefined);
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const nav = (label: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  const graphNode = (id: string, state?: string) =>
    page.locator(`.react-flow__node[data-id="${id}"]${state ? `[data-state="${state}"]` : ''}`);

  it('lists the workflows and draws one as a graph (React Flow) with its triggers', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(a.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await nav('Workflows');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    await page.getByRole('link', { name: 'Plain greeter' }).waitFor();
    await page.getByRole('link', { name: 'Greeter', exact: true }).click();
    await page.waitForURL(`${base}/workflows/${greeterId}`);
    const graph = page.getByTestId('workflow-graph');
    for (const id of NODE_IDS) await graphNode(id).waitFor();
    assert.equal(await graph.locator('.react-flow__node').count(), 3);
    // A straight edge has a zero-height box, which Playwright calls hidden: wait for it in the DOM.
    await graph.locator('.react-flow__edge').nth(1).waitFor({ state: 'attached' });
    assert.equal(await graph.locator('.react-flow__edge').count(), 2);
    await graphNode('greet').getByText('transform').waitFor();
    const triggers = page.getByRole('region', { name: 'Triggers' });
    await triggers.getByText('inactive', { exact: true }).waitFor();
    await triggers.getByText('Activate to receive signed webhook calls.').waitFor();
  });

  it('activates it: the webhook URL, and its signing secret shown once; deactivates it', async () => {
    const triggers = page.getByRole('region', { name: 'Triggers' });
    await triggers.getByRole('button', { name: 'Activate', exact: true }).click();
    await triggers.getByText('active', { exact: true }).waitFor();
    const secret = (await page.getByTestId('secret-value').textContent()) ?? '';
    assert.ok(secret.length >= 16, `a signing secret is shown (${secret})`);
    const url = (await page.getByTestId('webhook-url').textContent()) ?? '';
    assert.equal(url, `${base}/api/workflows/${greeterId}/webhook`, 'the webhook URL, on this server');
    await shot('workflow');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await page.getByTestId('webhook-url').waitFor();
    assert.equal(await page.getByTestId('secret-value').count(), 0, 'the secret is not shown again');
    await triggers.getByRole('button', { name: 'Deactivate' }).click();
    await triggers.getByText('inactive', { exact: true }).waitFor();
    await triggers.getByText('Activate to receive signed webhook calls.').waitFor();
  });

  it('refuses a bad input: the 400 is shown beside the field, the page stays', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const form = page.getByRole('form', { name: 'Run Greeter' });
    await form.getByRole('textbox', { name: 'Name (required)' }).waitFor();
    const refused = page.waitForResponse(
      (r) => r.url().endsWith(`/api/workflows/${greeterId}/run`) && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Start run' }).click();
    assert.equal((await refused).status(), 400);
    await form.getByRole('alert').filter({ hasText: 'The run did not start' }).waitFor();
    const name = form.getByRole('textbox', { name: 'Name (required)' });
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    const fieldError = page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`);
    assert.match((await fieldError.textContent()) ?? '', /name|required/i, 'the field says what is wrong');
    assert.equal(new URL(page.url()).pathname, `/workflows/${greeterId}`);
  });

  it('runs it from the form and lands on the run page: every node completed, the output shown', async () => {
    const form = page.getByRole('form', { name: 'Run Greeter' });
    await form.getByRole('textbox', { name: 'Name (required)' }).fill('Ada');
    await form.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/workflow-runs\/[^/]+$/);
    await page.getByRole('heading', { name: 'Run of Greeter' }).waitFor();
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor();
    for (const id of NODE_IDS) await graphNode(id, 'completed').waitFor();
    await page.getByTestId('run-output').filter({ hasText: 'Hello Ada' }).waitFor();
    await graphNode('greet').click();
    const panel = page.getByTestId('node-panel');
    await panel.getByRole('heading', { name: 'Greet' }).waitFor();
    await panel.getByTestId('node-output').filter({ hasText: 'Hello Ada' }).waitFor();
    await shot('workflow-run');
    assert.equal(await page.getByRole('button', { name: 'Cancel run' }).count(), 0, 'no Cancel once finished');
  });

  it('lists the run in the history and filters it by status', async () => {
    await page.getByRole('link', { name: '← Greeter' }).click();
    const history = page.getByRole('region', { name: 'Run history' });
    const row = history.getByRole('row').filter({ hasText: 'completed' });
    await row.first().waitFor();
    await history.getByLabel('Run status').selectOption('failed');
    await history.getByText('No failed runs.').waitFor();
    await history.getByLabel('Run status').selectOption('completed');
    await row.getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Run of Greeter' }).waitFor();
  });

  it('runs a workflow without an input schema from a JSON input', async () => {
    await page.goto(`${base}/workflows/${plainId}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByLabel('Input (JSON)').fill('{"name": "Bob"}');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/workflow-runs\/[^/]+$/);
    await page.getByTestId('run-output').filter({ hasText: 'Hello Bob' }).waitFor();
    for (const id of NODE_IDS) await graphNode(id, 'completed').waitFor();
  });

  it(
    'follows a run live over its event stream: the running node, Cancel while it runs, then completed without a ' +
      'reload',
    async () => {
      await page.goto(`${base}/workflows/${slowId}`);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const streamed = page.waitForRequest((r) => /\/api\/workflow-runs\/[^/]+\/stream$/.test(r.url()));
      await page.getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL(/\/workflow-runs\/[^/]+$/);
      await streamed;
      await slow.held();
      await graphNode('call', 'running').waitFor();
      await graphNode('start', 'completed').waitFor();
      await graphNode('done', 'pending').waitFor();
      await page.getByRole('button', { name: 'Cancel run' }).waitFor();
      await shot('workflow-run-live');
      const marker = await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
        return 1;
      });
      slow.release();
      await graphNode('done', 'completed').waitFor();
      await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor();
      assert.equal(
        await page.evaluate(() => (window as unknown as { marker?: number }).marker),
        marker,
        'updated in place, not reloaded',
      );
      assert.equal(await page.getByRole('button', { name: 'Cancel run' }).count(), 0);
    },
  );

  it('shows a node waiting for a human; approved on the Approvals page, the run finishes', async () => {
    await page.goto(`${base}/workflows/${mailerId}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/workflow-runs\/[^/]+$/);
    const runPath = new URL(page.url()).pathname;
    await graphNode('mail', 'awaiting_approval').waitFor();
    await page.getByTestId('run-status').filter({ hasText: 'awaiting approval' }).waitFor();
    await graphNode('mail').click();
    const approval = page.getByTestId('node-panel').getByRole('link', { name: /^apr_/ });
    await approval.waitFor();
    await shot('workflow-run-approval');
    await approval.click();
    const card = page.locator('.card').filter({ hasText: 'send_email' });
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('No pending approvals.').waitFor();
    await page.goto(`${base}${runPath}`);
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor();
    for (const id of ['start', 'mail', 'done']) await graphNode(id, 'completed').waitFor();
  });

  it('cancels a running run from its page', async () => {
    await page.goto(`${base}/workflows/${slowId}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/workflow-runs\/[^/]+$/);
    await slow.held();
    await graphNode('call', 'running').waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor();
    await graphNode('call', 'cancelled').waitFor();
    await graphNode('done', 'pending').waitFor();
    await page.getByTestId('run-error').filter({ hasText: 'The run was cancelled' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Cancel run' }).count(), 0);
    slow.release();
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByTestId('workflow-graph').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `no horizontal scroll at phone width (${width}px)`);
    assert.deepEqual(
      consoleErrors.filter((e) => !/status of (4\d\d)/.test(e)),
      [],
      'no script errors (CSP included)',
    );
  });
});
