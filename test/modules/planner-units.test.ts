import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseTool, instruction, scoreTool, stem } from '../../src/modules/executions/runtime/choose.js';
import {
  coerce,
  fillInputs,
  jsonObjectIn,
  missingMessage,
  pairsIn,
} from '../../src/modules/executions/runtime/fill.js';
import type { ToolGate } from '../../src/modules/executions/runtime/gate.js';
import { confidenceOf, isEmptyOutput, runPlanner } from '../../src/modules/executions/runtime/planner.js';
import { Trace } from '../../src/modules/executions/runtime/trace.js';
import { DEFAULT_ACTIONS } from '../../src/modules/governance/policy.js';
import type { ToolDef, ToolResult } from '../../src/platform/tools.js';

const tool = (
  title: string,
  description: string,
  tags: string[],
  input_schema: Record<string, unknown> = { type: 'object' },
): ToolDef => ({
  name: `skill_${title.toLowerCase().replace(/\W+/g, '_')}`,
  title,
  description: `${title}: ${description}`,
  tags,
  input_schema,
  action: 'read',
  high_risk: false,
  source: 'skills',
  ref: title,
});

const csv = tool(
  'CSV to JSON',
  'Parse CSV text (first row = header) into an array of objects',
  ['csv', 'json', 'data'],
  { type: 'object', properties: { csv: { type: 'string' } }, required: ['csv'] },
);
const stats = tool(
  'Text Statistics',
  'Count words, sentences and characters, with reading time',
  ['text', 'analysis'],
  { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
);
const email = tool('Email Address Validator', 'Check email syntax and flag role and disposable addresses', [
  'email',
  'validation',
  'crm',
]);
const lead = tool(
  'Lead Scorer',
  'Score a lead 0–100 from company size, budget and engagement',
  ['crm', 'leads', 'sales'],
  {
    type: 'object',
    properties: { employees: { type: 'number' }, budget_usd: { type: 'number' }, email_opens: { type: 'number' } },
  },
);
const sentiment = tool('Lexicon Sentiment Scorer', 'Score text sentiment from a small positive/negative lexicon', [
  'sentiment',
  'nlp',
  'reviews',
]);
const all = [csv, stats, email, lead, sentiment];

describe('choose: one skill by title, tags and description', () => {
  it('stems so that word families meet', () => {
    for (const family of [
      ['validate', 'validator', 'validation', 'validates'],
      ['statistics', 'statistic'],
      ['scorer', 'score', 'scoring', 'scores'],
      ['analyze', 'analyzer'],
    ]) {
      assert.equal(new Set(family.map(stem)).size, 1, family.join('/'));
    }
    assert.notEqual(stem('data'), stem('date'));
  });

  it('weighs title words over tags over description, each task word counted once', () => {
    const c = scoreTool('convert csv data to json objects', csv);
    assert.deepEqual(
      [c.name_hits, c.tag_hits, c.description_hits, c.score],
      [['csv', 'json'], ['data'], ['object'], 3 * 2 + 2 + 1],
    );
    assert.equal(c.name_share, 1);
    assert.equal(scoreTool('validation of an address', email).name_share, 2 / 3);
  });

  it('a title word qualifies a skill; otherwise it needs two tag/description words', () => {
    assert.equal(scoreTool('Profile this data frame', csv).qualifies, false, 'one tag word ("data") is not enough');
    assert.equal(scoreTool('parse the header row', csv).qualifies, true, 'two description words');
    assert.equal(scoreTool('json please', csv).qualifies, true, 'one title word');
    assert.deepEqual(chooseTool('Profile this data frame', all).ranked, []);
  });

  it('"Give me text statistics" picks Text Statistics, not CSV to JSON', () => {
    assert.equal(
      chooseTool('Give me text statistics for: name,age\nAda,36', all).ranked[0].tool.title,
      'Text Statistics',
    );
    assert.equal(chooseTool('Convert this CSV to JSON: name,age\nAda,36', all).ranked[0].tool.title, 'CSV to JSON');
  });

  it('scores the instruction, not the inputs after it; the whole task only when the instruction matches nothing', () => {
    assert.equal(instruction('Count business days from=2026-12-01 to=2026-12-08'), 'Count business days ');
    assert.equal(instruction('Slugify: a CSV to JSON guide'), 'Slugify');
    const r = chooseTool('Give me text statistics for: I love CSV and JSON', all);
    assert.deepEqual(
      r.ranked.map((c) => c.tool.title),
      ['Text Statistics'],
    );
    assert.equal(r.scoredOn, 'Give me text statistics for');
    assert.equal(chooseTool('Input: validate this email', all).ranked[0].tool.title, 'Email Address Validator');
  });

  it('breaks ties by title words, then title, then name, whatever the tool order', () => {
    const a = tool('Alpha Scorer', 'x', []);
    const b = tool('Beta Scorer', 'x', []);
    for (const tools of [
      [a, b, lead, sentiment],
      [sentiment, lead, b, a],
    ]) {
      assert.deepEqual(
        chooseTool('score it', tools).ranked.map((c) => c.tool.title),
        ['Alpha Scorer', 'Beta Scorer', 'Lead Scorer', 'Lexicon Sentiment Scorer'],
      );
    }
    assert.equal(
      chooseTool('score the sentiment of this review', all).ranked[0].tool.title,
      'Lexicon Sentiment Scorer',
    );
  });
});

describe("fill: a skill's inputs from the task", () => {
  const schema = {
    type: 'object',
    properties: {
      from: { type: 'string' },
      to: { type: 'string' },
      n: { type: 'integer' },
      rate: { type: 'number' },
      on: { type: 'boolean' },
      rows: { type: 'array' },
      meta: { type: 'object' },
    },
    required: ['from', 'to'],
  };
  const fill = (task: string, context = {}, parameters = {}) => fillInputs(schema, task, context, parameters);

  it('takes a JSON object in the text, coerced to the schema', () => {
    const f = fill('Do it {"from":"2026-01-01","to":"2026-01-05","n":"3","extra":1} please');
    assert.deepEqual(f.inputs, { from: '2026-01-01', to: '2026-01-05', n: 3 });
    assert.deepEqual(f.sources, { from: 'json', to: 'json', n: 'json' });
    assert.deepEqual(jsonObjectIn('rows [{"a":1}] then {"b":2}')?.value, { b: 2 }, 'arrays are stepped over');
    assert.equal(jsonObjectIn('no {json here} at all'), null);
  });

  it('takes key=value and key: value pairs, a value running to the next key, trimmed, unquoted', () => {
    assert.deepEqual(fill('Count days from=2026-12-01 to=2026-12-08').inputs, { from: '2026-12-01', to: '2026-12-08' });
    assert.deepEqual(fill('FROM: "Monday 1st"  To: \'Friday\', N=4, rate = 0.5 and on=yes').inputs, {
      from: 'Monday 1st',
      to: 'Friday',
      n: 4,
      rate: 0.5,
      on: true,
    });
    assert.deepEqual(
      fillInputs(csv.input_schema, 'Convert csv: name,age\nAda,36\nBob,41', {}, {}).inputs,
      { csv: 'name,age\nAda,36\nBob,41' },
      'a multi-line value',
    );
    assert.deepEqual(pairsIn('into=1 to=2', ['to']), [['to', '2']], 'a key starts at a word boundary');
    assert.deepEqual(fill('from=a to=b rows: [{"x":1}] meta={"k":true}').inputs, {
      from: 'a',
      to: 'b',
      rows: [{ x: 1 }],
      meta: { k: true },
    });
  });

  it('then parameters, then context; the first source providing a property wins', () => {
    const f = fill('from=text', { to: 'ctx', n: 2, rate: 9 }, { TO: 'param', rate: 'x' });
    assert.deepEqual(f.inputs, { from: 'text', to: 'param', n: 2, rate: 9 });
    assert.deepEqual(
      f.sources,
      { from: 'text', to: 'parameters', n: 'context', rate: 'context' },
      'a parameter that cannot be coerced does not block the context',
    );
    assert.equal(f.guessed, false);
  });

  it('one required string still empty: the text after the first colon, else the whole task', () => {
    const colon = fillInputs(stats.input_schema, 'Give me text statistics for: It rains. It pours!', {}, {});
    assert.deepEqual(
      [colon.inputs, colon.sources, colon.guessed],
      [{ text: 'It rains. It pours!' }, { text: 'colon' }, true],
    );
    const whole = fillInputs(stats.input_schema, '  The cat sat  ', {}, {});
    assert.deepEqual([whole.inputs, whole.sources, whole.guessed], [{ text: 'The cat sat' }, { text: 'task' }, true]);
    assert.deepEqual(
      fillInputs(stats.input_schema, 'statistics for:   ', {}, {}).missing,
      ['text (string)'],
      'nothing after the colon',
    );
  });

  it('never guesses when two string inputs are required: names what is missing', () => {
    const f = fill('Count business days from=2026-12-01');
    assert.deepEqual([f.inputs, f.missing, f.guessed], [{ from: '2026-12-01' }, ['to (string)'], false]);
    assert.equal(
      missingMessage('Business Days Between', schema, f),
      'Business Days Between needs its input: to (string)',
    );
    assert.equal(
      missingMessage('Business Days Between', schema, fill('Count business days')),
      'Business Days Between needs its inputs: from (string), to (string)',
    );
  });

  it('inputs declared but none required and none found is not a run', () => {
    const s = { type: 'object', properties: { employees: { type: 'number' }, budget_usd: { type: 'number' } } };
    const f = fillInputs(s, 'Score this lead', {}, {});
    assert.equal(f.nothing, true);
    assert.equal(
      missingMessage('Lead Scorer', s, f),
      'Lead Scorer needs at least one of its inputs: employees (number), budget_usd (number)',
    );
    assert.equal(missingMessage('Lead Scorer', s, fillInputs(s, 'employees=5', {}, {})), null);
    assert.equal(
      missingMessage('Anything', { type: 'object' }, fillInputs({ type: 'object' }, 'go', {}, {})),
      null,
      'no declared inputs: runs with none',
    );
  });

  it('coerces, and an impossible coercion leaves the property missing', () => {
    assert.equal(coerce('42', { type: 'integer' }), 42);
    assert.equal(coerce('4.2', { type: 'integer' }), undefined);
    assert.equal(coerce('1e3', { type: 'number' }), 1000);
    assert.equal(coerce('12 apples', { type: 'number' }), undefined);
    assert.equal(coerce('No', { type: 'boolean' }), false);
    assert.equal(coerce('maybe', { type: 'boolean' }), undefined);
    assert.equal(coerce(7, { type: 'string' }), '7');
    assert.equal(coerce({ a: 1 }, { type: 'string' }), undefined);
    assert.deepEqual(coerce('[1,2]', { type: 'array' }), [1, 2]);
    assert.equal(coerce('{"a":1}', { type: 'array' }), undefined);
    assert.equal(coerce('[1]', { type: 'object' }), undefined);
    assert.equal(coerce('7', { type: ['integer', 'string'] }), 7);
    assert.equal(coerce('x', { type: ['integer', 'string'] }), 'x');
    assert.equal(coerce('   ', {}), undefined);
    const f = fill('from=a to=b n=many rate=fast');
    assert.deepEqual([f.inputs, f.missing], [{ from: 'a', to: 'b' }, []]);
  });
});

describe('planner: the run, its result and its confidence', () => {
  const gateReturning = (result: ToolResult, calls: unknown[] = []) =>
    ({
      calls: 0,
      successes: 0,
      actions: DEFAULT_ACTIONS,
      call: async (t: ToolDef, args: Record<string, unknown>) => {
        calls.push([t.title, args]);
        return result;
      },
    }) as unknown as ToolGate;
  const run = (
    task: string,
    gate: ToolGate,
    tools = all,
    extra: { context?: Record<string, unknown>; parameters?: Record<string, unknown> } = {},
  ) =>
    runPlanner(
      {
        task,
        context: extra.context ?? {},
        parameters: extra.parameters ?? {},
        tools,
        signal: new AbortController().signal,
        progress: () => {},
      },
      gate,
      new Trace(),
    );

  it('confidence = (0.5 + 0.5 × share of title words in the task) × 0.8 when an input was guessed', async () => {
    assert.equal(confidenceOf(1, false), 1);
    assert.equal(confidenceOf(0.5, false), 0.75);
    assert.equal(confidenceOf(1, true), 0.8);
    assert.equal(confidenceOf(1 / 3, true), 0.533);
    const ok = gateReturning({ ok: true, output: { words: 2 } });
    assert.equal(
      (await run('Give me text statistics for: hello world', ok)).confidence,
      0.8,
      'both title words, text from after the colon',
    );
    assert.equal((await run('text: hello world', ok)).confidence, 0.75, 'one of two title words, text given by key');
    assert.equal(
      (await run('Score this lead employees=5', gateReturning({ ok: true, output: { score: 1 } }))).confidence,
      1,
    );
  });

  it('names the skill by its title and keeps details keyed by title', async () => {
    const calls: unknown[] = [];
    const out = await run(
      'Convert this CSV to JSON: name,age\nAda,36',
      gateReturning({ ok: true, output: [{ name: 'Ada', age: '36' }] }, calls),
    );
    assert.deepEqual(calls, [['CSV to JSON', { csv: 'name,age\nAda,36' }]]);
    assert.deepEqual(out.result, {
      summary: 'Ran CSV to JSON.',
      skill: 'CSV to JSON',
      inputs: { csv: 'name,age\nAda,36' },
      output: [{ name: 'Ada', age: '36' }],
      details: { 'CSV to JSON': [{ name: 'Ada', age: '36' }] },
    });
    assert.equal(out.success, true);
  });

  it('fails with confidence 0, without a call, when an input is missing or nothing matches', async () => {
    const calls: unknown[] = [];
    const gate = gateReturning({ ok: true, output: 1 }, calls);
    const missing = await run('Score this lead', gate);
    assert.deepEqual(
      [missing.success, missing.confidence, missing.result.summary],
      [
        false,
        0,
        'Lead Scorer needs at least one of its inputs: employees (number), budget_usd (number), email_opens (number)',
      ],
    );
    const none = await run('Profile this data frame', gate);
    assert.deepEqual(
      [none.success, none.confidence, none.result.summary],
      [false, 0, 'No installed skill matches this task.'],
    );
    assert.deepEqual(none.result.details, { available_skills: all.map((t) => t.title) });
    assert.deepEqual(calls, []);
  });

  it('an empty output or an error fails the run with confidence 0 and says so', async () => {
    for (const empty of [null, '', '  ', [], {}]) {
      const out = await run('Convert this CSV to JSON: nothing', gateReturning({ ok: true, output: empty }));
      assert.deepEqual(
        [out.success, out.confidence, out.result.summary],
        [false, 0, 'CSV to JSON returned nothing'],
        JSON.stringify(empty),
      );
    }
    assert.equal(isEmptyOutput(0), false);
    assert.equal(isEmptyOutput(false), false);
    const err = await run('Convert this CSV to JSON: a', gateReturning({ ok: false, output: null, error: 'boom' }));
    assert.deepEqual(
      [err.success, err.confidence, err.result.summary, err.result.errors],
      [false, 0, 'CSV to JSON failed: boom', { 'CSV to JSON': 'boom' }],
    );
  });
});
