import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { type ActionTable, classifyTask, DEFAULT_ACTIONS } from '../../src/modules/governance/policy.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type TestTenant } from '../helpers/http.js';
import { testTools } from '../helpers/tools.js';

/** A tenant that moved `draft` up to level 4 and added two actions of its own, one of two words. */
const OVERRIDDEN: ActionTable = { ...DEFAULT_ACTIONS, draft: 4, refund: 3, issue_invoice: 4 };

type Case = [task: string, action: string, level: number, table?: ActionTable];
const CASES: Record<string, Case[]> = {
  'plain tasks': [
    ['What is the capital of France?', 'respond', 1],
    ['Tell me a joke about penguins', 'respond', 1],
    ['List my files', 'list', 1],
    ['Search for recent AI research papers', 'search', 1],
    ['Summarize the quarterly numbers', 'summarize', 1],
    ['Delete all stale records from the database', 'delete', 4],
    ['Analyze the sales figures', 'analyze', 2],
    ['Transfer $500 to the vendor', 'transfer', 4],
    // Names of Object's own properties are not actions.
    ['Explain the constructor of this class', 'respond', 1],
  ],
  negation: [
    ['Please do not delete anything; just list my files', 'list', 1],
    ["Don't send the email, just draft it", 'draft', 2],
    ['Dont delete the logs. Read them.', 'read', 1],
    ['Never deploy on Fridays', 'respond', 1],
    ['No need to send an email, just summarize the thread', 'summarize', 1],
    ['You must not remove any users', 'respond', 1],
    ["You shouldn't update the records", 'respond', 1],
    ['Avoid deleting anything while you search the archive', 'respond', 1],
    ['Refrain from posting messages; draft a reply instead', 'draft', 2],
    ['Stop sending emails to the team', 'respond', 1],
    ['List the files instead of deleting them', 'list', 1],
    ['Do not create, update or delete anything; just list my files', 'list', 1],
    ['Delete nothing, only view the table', 'view', 1],
  ],
  'negation ends where the clause does': [
    ['Delete the old records without notifying anyone', 'delete', 4],
    ['Send the report without deleting anything', 'send', 3],
    ["Don't just list the files, delete them", 'delete', 4],
    ['Do not summarize the logs but delete them', 'delete', 4],
    ['Not only summarize the logs but also purge them', 'purge', 4],
    ["Don't draft it and then send it", 'send', 3],
    ['Stop the server and deploy the new version', 'deploy', 4],
    ['Delete nothing and send the report', 'send', 3],
    ["Don't forget to delete the temp files", 'delete', 4],
    ["Don't delete anything except the temp files", 'delete', 4],
    ['Never remove a user unless they asked to leave', 'remove', 4],
    ['Delete the accounts that have not posted in a year', 'delete', 4],
  ],
  quotes: [
    ["Summarize the ticket titled 'Delete my account'", 'summarize', 1],
    ['Summarize the ticket titled "Delete my account"', 'summarize', 1],
    ['Summarize the ticket titled “Delete my account”', 'summarize', 1],
    ['Summarize the ticket titled ‘Don’t delete my account’', 'summarize', 1],
    ['Explain what `DROP TABLE users` does', 'respond', 1],
    ["Read the thread 'Send email to everyone' and delete the spam", 'delete', 4],
    ['Search for "how to transfer money" then draft an answer', 'draft', 2],
    ['Summarize the “Delete everything” ticket, unclosed "pay the vendor', 'pay', 4],
  ],
  apostrophes: [
    ['Don’t delete anything, just read the logs', 'read', 1],
    ["It's fine to search the web", 'search', 1],
    ["Summarize the users' comments and delete the spam", 'delete', 4],
    ["Check the team's calendar and book a room", 'book', 3],
  ],
  inflections: [
    ['Deleting stale rows from the table', 'delete', 4],
    ['The deleted items need restoring', 'delete', 4],
    ['Sends the weekly digest', 'send', 3],
    ['We sent an email yesterday; summarize the replies', 'send_email', 3],
    ['Sending emails to customers about the renewal', 'send_email', 3],
    ['Post a message in #general', 'post_message', 3],
    ['Planning the sprint and querying the backlog', 'plan', 2],
    ['Searches the archive', 'search', 1],
  ],
  'multiple verbs: the most demanding wins': [
    ['Search the docs, analyze the results and send email to the team', 'send_email', 3],
    ['Read the invoice, then pay it', 'pay', 4],
    ['Draft and review the plan', 'draft', 2],
  ],
  'mixed case': [
    ['DELETE ALL THE THINGS', 'delete', 4],
    ['DO NOT DELETE ANYTHING, JUST LIST MY FILES', 'list', 1],
    ['Send E-Mail to the board', 'send_email', 3],
  ],
  'tenant overrides': [
    ['Draft a reply to the customer', 'draft', 4, OVERRIDDEN],
    ["Don't draft anything, just search", 'search', 1, OVERRIDDEN],
    ['Refunding the order', 'refund', 3, OVERRIDDEN],
    ['Issue an invoice to ACME', 'issue_invoice', 4, OVERRIDDEN],
    ['Do not issue the invoice; summarize it', 'summarize', 1, OVERRIDDEN],
    ['Respond to the customer', 'respond', 2, { ...DEFAULT_ACTIONS, respond: 2 }],
    // `respond` is what a task without a governance verb asks for; a named verb keeps its own level.
    ['List the open tickets', 'list', 1, { ...DEFAULT_ACTIONS, respond: 2 }],
    ['Chat about the weather', 'respond', 2, { ...DEFAULT_ACTIONS, respond: 2 }],
  ],
};

describe('classifyTask reads the action a task asks for', () => {
  it('has at least 40 phrasings', () => assert.ok(Object.values(CASES).flat().length >= 40));
  for (const [group, cases] of Object.entries(CASES)) {
    it(group, () => {
      for (const [task, action, level, table] of cases) {
        assert.deepEqual(classifyTask(task, table ?? DEFAULT_ACTIONS), { action, complexity: level }, task);
      }
    });
  }
});

describe('a student agent told what not to do is not refused for it', () => {
  let built: Built;
  let t: TestTenant;
  const calls: { tool: string; args: Record<string, unknown> }[] = [];
  before(async () => {
    built = await startApp({ executionSyncBudgetMs: 5000 });
    built.ctx.tools.register(
      testTools(
        [
          {
            def: { name: 'file_lister', description: 'List the files in my drive', action: 'list', high_risk: false },
            run: () => ({ files: ['a.txt', 'b.txt'] }),
          },
          // Its name matches "delete … files" better than the lister does: only the negation keeps the planner off it.
          {
            def: {
              name: 'file_deleter',
              title: 'Delete Files',
              description: 'Delete files from my drive',
              action: 'delete',
              high_risk: false,
            },
            run: () => ({ deleted: 2 }),
          },
        ],
        calls,
      ),
    );
    t = await makeTenant(built.app, 'enterprise');
  });
  after(() => built.close());

  it('"Please do not delete anything; just list my files" runs as a list', async () => {
    const agent = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'Reader', role: 'general-assistant', maturity_level: 'student' },
    });
    const agentId = agent.body.data.agent.id;
    const res = await call(built.app, 'POST', `/api/agents/${agentId}/execute`, {
      key: t.key,
      body: { task: 'Please do not delete anything; just list my files' },
    });
    assert.ok([200, 202].includes(res.status), `${res.status} ${JSON.stringify(res.body)}`);
    let e = res.body.data;
    assert.deepEqual([e.action, e.complexity], ['list', 1]);
    // The same sentence with the negation taken out is a delete, which a student may not do.
    const refused = await call(built.app, 'POST', `/api/agents/${agentId}/execute`, {
      key: t.key,
      body: { task: 'Please delete anything; just list my files' },
    });
    assert.deepEqual(
      [refused.status, refused.body.error.code, refused.body.error.details.action],
      [403, 'GOVERNANCE_DENIED', 'delete'],
    );
    // Usually finished within the sync budget; otherwise poll the execution until it is.
    const deadline = Date.now() + 30_000;
    while (!['completed', 'failed'].includes(e.status)) {
      assert.ok(Date.now() < deadline, `execution still ${e.status}`);
      await new Promise((r) => setTimeout(r, 100));
      e = (await call(built.app, 'GET', e.poll_url, { key: t.key })).body.data;
    }
    assert.equal(e.status, 'completed', JSON.stringify(e));
    assert.deepEqual(e.tools_used, ['file_lister']);
    assert.deepEqual(e.governance_violations, []);
    assert.deepEqual(e.reasoning_trace.find((s: { type: string }) => s.type === 'plan').declined_actions, ['delete']);
    assert.ok(!calls.some((c) => c.tool === 'file_deleter'));
  });

  it('a declared action must be in the table, even one named like an Object property', async () => {
    const agent = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'Declarer', role: 'general-assistant', maturity_level: 'student' },
    });
    const res = await call(built.app, 'POST', `/api/agents/${agent.body.data.agent.id}/execute`, {
      key: t.key,
      body: { task: 'Delete everything', action: 'constructor' },
    });
    assert.deepEqual(
      [res.status, res.body.error?.code, res.body.error?.details?.field],
      [400, 'INVALID_ENUM_VALUE', 'action'],
    );
  });
});
