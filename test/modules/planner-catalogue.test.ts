import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { SKILLS } from '../../src/seed/catalogue.js';
import { seedCatalogue } from '../../src/seed/run.js';
import { ADMIN_KEY, startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';

/**
 * The embedded planner (no model configured) with the real starter catalogue installed in a
 * tenant, through the HTTP API: one task per seeded function skill, and the ways a run fails.
 */
describe('embedded planner with the starter catalogue', () => {
  let built: Built;
  let t: TestTenant;
  let intern: string;
  let student: string;
  const functionSkills = SKILLS.filter((s) => !('skill_type' in s)).map((s) => s.name);

  before(async () => {
    built = await startApp({ executionSyncBudgetMs: 10_000 });
    await seedCatalogue(built.app, built.ctx, ADMIN_KEY, () => {});
    t = await makeTenant(built.app, 'team');
    const listed = await call(built.app, 'GET', '/api/public/v1/marketplace/skills?limit=100');
    assert.equal(listed.body.skills.length, SKILLS.length);
    for (const s of listed.body.skills as { id: string; name: string }[]) {
      const res = await call(built.app, 'POST', '/api/skills/install', { key: t.key, body: { skill_id: s.id } });
      assert.ok([200, 201].includes(res.status), `${s.name}: ${JSON.stringify(res.body)}`);
    }
    const agent = async (maturity_level: string) =>
      (
        await call(built.app, 'POST', '/api/agents', {
          key: t.key,
          body: { name: `${maturity_level} planner`, role: 'general-assistant', maturity_level },
        })
      ).body.data.agent.id as string;
    intern = await agent('intern');
    student = await agent('student');
  });
  after(() => built.close());

  /** Runs a task to its end (polling when it outlives the synchronous budget). */
  async function run(task: string, agent = intern, extra: Record<string, unknown> = {}) {
    const res = await call(built.app, 'POST', `/api/agents/${agent}/execute`, { key: t.key, body: { task, ...extra } });
    assert.ok([200, 202].includes(res.status), JSON.stringify(res.body));
    let d = res.body.data;
    const deadline = Date.now() + 30_000;
    while (!['completed', 'failed', 'cancelled'].includes(d.status)) {
      assert.ok(Date.now() < deadline, `still ${d.status}`);
      await new Promise((r) => setTimeout(r, 100));
      d = (await call(built.app, 'GET', res.body.data.poll_url, { key: t.key })).body.data;
    }
    return d;
  }
  const skillRuns = async () => {
    const u = (await call(built.app, 'GET', '/api/usage', { key: t.key })).body.data;
    return u.quotas.find((q: { metric: string }) => q.metric === 'skill_executions').used as number;
  };
  const completed = async (task: string, skill: string, agent = intern) => {
    const d = await run(task, agent);
    assert.equal(d.status, 'completed', `${task}: ${d.error}`);
    assert.equal(d.result.skill, skill);
    assert.equal(d.result.summary, `Ran ${skill}.`);
    assert.deepEqual(d.result.details, { [skill]: d.result.output });
    assert.equal(d.tools_used.length, 1);
    return d;
  };

  it('CSV to JSON receives its csv from after the colon', async () => {
    const d = await completed('Convert this CSV to JSON: name,age\nAda,36', 'CSV to JSON', student);
    assert.deepEqual(d.result.output, [{ name: 'Ada', age: '36' }]);
    assert.deepEqual(d.result.inputs, { csv: 'name,age\nAda,36' });
    assert.equal(d.confidence, 0.8, 'both title words, input from the colon fallback: (0.5 + 0.5) × 0.8');
    assert.doesNotMatch(d.result.summary, /skill_mkt/);
  });

  it('Text Statistics', async () => {
    const d = await completed('Give me text statistics for: The cat sat. The dog ran away!', 'Text Statistics');
    assert.deepEqual(d.result.output, { words: 7, sentences: 2, characters: 30, reading_minutes: 1 });
  });

  it('Slugify with title: given as a key', async () => {
    const d = await completed('Slugify this title: Héllo, Wörld 2026!', 'Slugify', student);
    assert.equal(d.result.output, 'hello-world-2026');
    assert.equal(d.confidence, 1, 'title word found, input named by its key');
  });

  it('Email Address Validator', async () => {
    const d = await completed('Validate this email address: Info@Example.com', 'Email Address Validator', student);
    assert.deepEqual(d.result.output, {
      email: 'info@example.com',
      valid: true,
      role_address: true,
      disposable: false,
    });
  });

  it('Invoice Total Calculator from a JSON object in the task', async () => {
    const d = await completed(
      'Calculate the invoice total for ' +
        '{"lines":[{"quantity":2,"unit_price":10,"discount":0.5},{"quantity":1,"unit_price":5}],' +
        '"tax_rate":0.2,"currency":"EUR"}',
      'Invoice Total Calculator',
    );
    assert.deepEqual(d.result.output, { net: 15, tax: 3, total: 18, currency: 'EUR' });
    assert.equal(d.confidence, 1);
  });

  it('Business Days Between from from= and to=', async () => {
    const d = await completed('Count business days from=2026-12-01 to=2026-12-08', 'Business Days Between', student);
    assert.deepEqual(d.result.output, { business_days: 5 });
    assert.deepEqual(d.result.inputs, { from: '2026-12-01', to: '2026-12-08' });
  });

  it('Lexicon Sentiment Scorer', async () => {
    const d = await completed(
      'Score the sentiment of: Great support, fast and helpful, but the app is slow',
      'Lexicon Sentiment Scorer',
    );
    assert.deepEqual(d.result.output, { score: 2, label: 'positive' });
    assert.equal(d.confidence, 0.667, '(0.5 + 0.5 × 2/3 title words) × 0.8');
  });

  it('Markdown Table Builder from rows: as JSON text', async () => {
    const d = await completed(
      'Build a markdown table from rows: [{"name":"Ada","age":36},{"name":"Bob","age":41}]',
      'Markdown Table Builder',
      student,
    );
    assert.equal(d.result.output, '| name | age |\n| --- | --- |\n| Ada | 36 |\n| Bob | 41 |');
  });

  it('Lead Scorer from key=value pairs, coerced to numbers', async () => {
    const d = await completed('Score this lead employees=500 budget_usd=100000 email_opens=4', 'Lead Scorer');
    assert.deepEqual(d.result.inputs, { employees: 500, budget_usd: 100000, email_opens: 4 });
    assert.deepEqual(d.result.output, { score: 68, tier: 'warm' });
  });

  it("inputs from the request's parameters", async () => {
    const d = await run('Count business days', student, { parameters: { from: '2026-12-07', to: '2026-12-12' } });
    assert.equal(d.status, 'completed', d.error);
    assert.deepEqual(d.result.output, { business_days: 5 });
  });

  it('a missing input fails the run, names the input, and runs no skill', async () => {
    const before = await skillRuns();
    const d = await run('Count business days from=2026-12-01', student);
    assert.deepEqual(
      [d.status, d.error, d.confidence, d.tools_used],
      ['failed', 'Business Days Between needs its input: to (string)', 0, []],
    );
    assert.deepEqual(d.result.missing, ['to (string)']);
    const invoice = await run('Calculate the invoice total');
    assert.deepEqual(
      [invoice.status, invoice.error, invoice.confidence],
      ['failed', 'Invoice Total Calculator needs its input: lines (array)', 0],
    );
    const lead = await run('Score this lead');
    assert.match(
      lead.error,
      /^Lead Scorer needs at least one of its inputs: employees \(number\), budget_usd \(number\), email_opens \(number\)$/,
    );
    assert.equal(await skillRuns(), before, 'the skill usage did not rise');
  });

  it('a skill that returns nothing fails the run with confidence 0', async () => {
    const before = await skillRuns();
    const d = await run('Convert this CSV to JSON: name,age', student);
    assert.deepEqual(
      [d.status, d.error, d.confidence, d.result.output],
      ['failed', 'CSV to JSON returned nothing', 0, []],
    );
    assert.equal(await skillRuns(), before + 1, 'it did run');
  });

  it('"Give me text statistics for: …" runs Text Statistics, not CSV to JSON', async () => {
    const d = await completed('Give me text statistics for: name,age\nAda,36', 'Text Statistics');
    assert.deepEqual(d.result.output, { words: 2, sentences: 1, characters: 15, reading_minutes: 1 });
  });

  it('no matching skill: failed, with the available skills by title; the Pandas script skill is not offered', async () => {
    const d = await run('Profile this data frame with pandas', student);
    assert.deepEqual(
      [d.status, d.error, d.confidence, d.tools_used],
      ['failed', 'No installed skill matches this task.', 0, []],
    );
    assert.deepEqual([...d.result.details.available_skills].sort(), [...functionSkills].sort());
    assert.ok(!d.result.details.available_skills.includes('Pandas Data Profiler'));
    const tools = await call(built.app, 'POST', '/api/mcp/tools', { key: t.key, body: {} });
    assert.equal(tools.body.data.tools.length, functionSkills.length);
    assert.ok(!tools.body.data.tools.some((x: { description: string }) => /Pandas/.test(x.description)));
  });

  it('governance still applies to the chosen skill: a student may not analyze', async () => {
    const d = await run('Give me text statistics for: hello there', student);
    assert.equal(d.status, 'failed');
    assert.match(d.error, /^Text Statistics failed: GOVERNANCE_DENIED/);
    assert.equal(d.governance_violations[0].action, 'analyze');
  });
});
