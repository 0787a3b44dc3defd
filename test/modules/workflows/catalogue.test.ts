import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../../src/app.js';
import { WORKFLOWS } from '../../../src/seed/catalogue.js';
import { seedCatalogue } from '../../../src/seed/run.js';
import { waitForState } from '../../helpers/agent-work.js';
import { ADMIN_KEY, startApp } from '../../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../../helpers/http.js';

/**
 * Every starter-catalogue workflow template, as a user takes it: the tenant installs the agents and
 * skills a template names from the marketplaces, imports the template as a workflow, and runs it
 * through the HTTP API on the embedded database with no model configured (agent steps run on the
 * embedded planner).
 */
const INPUTS: Record<string, Record<string, unknown>> = {
  email_digest: {
    emails: [
      { from: 'ada@example.com', subject: 'Launch', body: 'We launch on Monday.' },
      { from: 'bob@example.com', subject: 'Lunch', body: 'Pizza at noon?' },
    ],
  },
  lead_enrichment: { email: 'cto@acme.io', employees: 1000, budget_usd: 100_000, email_opens: 10 },
  invoice_approval: {
    lines: [
      { quantity: 10, unit_price: 120 },
      { quantity: 1, unit_price: 400, discount: 0.5 },
    ],
    tax_rate: 0.2,
    threshold_usd: 1000,
  },
  ticket_triage: { ticket: 'The app is broken and slow, I hate waiting. Support was late again.', customer: 'Acme' },
  release_notes: {
    repository: 'atom/server',
    changes: [
      { type: 'fix', title: 'No 500 on NUL bytes' },
      { type: 'feature', title: 'Workflows run' },
    ],
  },
  weekly_kpis: {
    metrics: [
      { name: 'signups', this_week: 120, last_week: 100 },
      { name: 'churn', this_week: 4, last_week: 5 },
    ],
  },
};

const EXPECTED: Record<string, (out: any) => void> = {
  email_digest: (o) =>
    assert.deepEqual(o, {
      digest: '- ada@example.com: Launch\n- bob@example.com: Lunch',
      messages: 2,
      reading_minutes: 1,
    }),
  lead_enrichment: (o) => {
    assert.equal(o.email, 'cto@acme.io');
    assert.equal(o.score, 100);
    assert.deepEqual(o.routing, { queue: 'sales', tier: 'hot' });
  },
  invoice_approval: (o) => {
    assert.deepEqual(o.totals, { net: 1400, tax: 280, total: 1680, currency: 'USD' });
    assert.equal(o.decision.decision, 'needs_approval');
  },
  ticket_triage: (o) => {
    assert.equal(o.sentiment.label, 'negative');
    assert.deepEqual(o.routing, { queue: 'escalations', priority: 'p1', customer: 'Acme' });
  },
  release_notes: (o) => {
    assert.equal(o.title, 'Release notes for atom/server');
    assert.equal(
      o.markdown,
      '| type | change |\n| --- | --- |\n| feature | Workflows run |\n| fix | No 500 on NUL bytes |',
    );
  },
  weekly_kpis: (o) => {
    assert.equal(o.channel, '#kpis');
    assert.match(o.report, /\| signups \| 120 \| 100 \| 20 \|/);
    assert.equal(o.improved, 1);
  },
};

describe('every starter workflow template runs end to end without a model', () => {
  let built: Built;
  let t: TestTenant;
  const templates = new Map<string, string>();

  before(async () => {
    built = await startApp({ executionSyncBudgetMs: 10_000 });
    await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
    t = await makeTenant(built.app, 'team');
    const agents = (await call(built.app, 'GET', '/api/agent-marketplace/agents?page_size=50', { key: t.key })).body
      .items as { id: string; name: string }[];
    for (const name of new Set(WORKFLOWS.flatMap((w) => w.agents))) {
      const res = await call(
        built.app,
        'POST',
        `/api/agent-marketplace/install/${agents.find((a) => a.name === name)!.id}`,
        { key: t.key },
      );
      assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
    }
    const skills = (await call(built.app, 'GET', '/api/public/v1/marketplace/skills?limit=100')).body.skills as {
      id: string;
      name: string;
    }[];
    for (const name of new Set(WORKFLOWS.filter((w) => !w.agents.length).flatMap((w) => w.skills))) {
      const res = await call(built.app, 'POST', '/api/skills/install', {
        key: t.key,
        body: { skill_id: skills.find((s) => s.name === name)!.id },
      });
      assert.ok([200, 201].includes(res.status), `${name}: ${JSON.stringify(res.body)}`);
    }
    for (const tpl of (await call(built.app, 'GET', '/api/marketplace/templates')).body as {
      id: string;
      template_key: string;
    }[]) {
      templates.set(tpl.template_key, tpl.id);
    }
  });
  after(() => built.close());

  for (const w of WORKFLOWS) {
    it(`${w.name}: imported, activated, run`, async () => {
      const imported = await call(built.app, 'POST', `/api/marketplace/templates/${templates.get(w.id)}/import`, {
        key: t.key,
      });
      assert.equal(imported.status, 201, JSON.stringify(imported.body));
      const id = imported.body.id as string;
      const activated = await call(built.app, 'POST', `/api/workflows/${id}/activate`, { key: t.key });
      assert.equal(activated.status, 200, JSON.stringify(activated.body));
      const res = await call(built.app, 'POST', `/api/workflows/${id}/run`, {
        key: t.key,
        body: { input: INPUTS[w.id] },
      });
      assert.ok([200, 202].includes(res.status), JSON.stringify(res.body));
      const run = await waitForState(
        async () => (await call(built.app, 'GET', `/api/workflow-runs/${res.body.run.id}`, { key: t.key })).body.run,
        (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
      );
      assert.equal(
        run.status,
        'completed',
        JSON.stringify({ error: run.error, nodes: run.nodes.map((n: any) => [n.node_id, n.state, n.error]) }),
      );
      EXPECTED[w.id](run.output);
      for (const n of run.nodes) assert.ok(['completed', 'skipped'].includes(n.state), `${n.node_id}: ${n.state}`);
      const agentNodes = run.nodes.filter((n: any) => n.runs_as === 'agent');
      assert.equal(agentNodes.length, w.agents.length);
      for (const n of agentNodes) assert.match(n.execution_id, /^exe_/);
    });
  }

  it('a template run without the agents it names is refused at activation, naming the node', async () => {
    const other = await makeTenant(built.app, 'team');
    const imported = await call(
      built.app,
      'POST',
      `/api/marketplace/templates/${templates.get('ticket_triage')}/import`,
      { key: other.key },
    );
    const res = await call(built.app, 'POST', `/api/workflows/${imported.body.id}/activate`, { key: other.key });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details.node_id, 'sentiment');
    assert.match(res.body.error.message, /no agent 'Support Triage Agent'/);
  });
});
