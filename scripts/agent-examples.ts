/**
 * Prints the README's worked examples of both planners from real runs: an in-memory ATOM with the
 * starter catalogue, an intern agent with Text Statistics installed, a task run by the embedded
 * planner, then the same kind of task run by a model. No model runs on this machine, so the model
 * is the scripted OpenAI-compatible server of the tests (test/helpers/fake-llm.ts), which streams
 * its answer and calls the tool the way a real one does; point ATOM_LLM_BASE_URL at OpenAI,
 * Ollama or vLLM for real answers.
 *   node --import tsx scripts/agent-examples.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { seedCatalogue } from '../src/seed/run.js';
import { fakeLlm, text, toolCall } from '../test/helpers/fake-llm.js';
import { openStream } from '../test/helpers/sse.js';

const ADMIN = 'adm_examples_admin_key';
const llm = await fakeLlm();
const dir = mkdtempSync(join(tmpdir(), 'atom-examples-'));
const show = (title: string, value: unknown) => console.log(`\n### ${title}\n${JSON.stringify(value, null, 2)}`);

async function server(withModel: boolean) {
  const config = loadConfig({
    ATOM_ADMIN_KEY: ADMIN,
    ATOM_DATA_DIR: join(dir, withModel ? 'model' : 'embedded'),
    DATABASE_URL: 'memory://',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...(withModel ? { ATOM_LLM_BASE_URL: llm.url, ATOM_LLM_MODEL: 'scripted-model' } : {}),
  });
  const built = await buildApp(config);
  await seedCatalogue(built.app, built.ctx, ADMIN, () => undefined);
  const base = await built.app.listen({ port: 0, host: '127.0.0.1' });
  const send = async (method: string, path: string, body?: unknown, key?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { 'x-api-key': key } : { 'x-admin-key': ADMIN }),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json() as Promise<any>;
  };
  const tenant = (await send('POST', '/api/tenants', { name: 'Examples', plan: 'team' })).data;
  const listing = (await send('GET', '/api/skills/marketplace?query=statistics', undefined, tenant.key)).skills[0];
  await send('POST', '/api/skills/install', { skill_id: listing.id }, tenant.key);
  const agent = (
    await send(
      'POST',
      '/api/agents',
      { name: 'Editor', role: 'general-assistant', maturity_level: 'intern' },
      tenant.key,
    )
  ).data.agent.id;
  return {
    built,
    base,
    send,
    key: tenant.key as string,
    agent: agent as string,
    tool: `skill_${String(listing.id).replace(/[^a-zA-Z0-9_]/g, '_')}`,
  };
}

const trim = (e: any) => ({
  status: e.status,
  confidence: e.confidence,
  error: e.error,
  result: e.result,
  tools_used: e.tools_used,
  trace: e.reasoning_trace.map((s: any) => s.type),
});

// The embedded planner.
const embedded = await server(false);
const task = 'Give me text statistics for: The quick brown fox jumps over the lazy dog. It sleeps!';
show(
  `embedded planner: POST /api/agents/${'{id}'}/execute {"task": ${JSON.stringify(task)}}`,
  trim((await embedded.send('POST', `/api/agents/${embedded.agent}/execute`, { task }, embedded.key)).data),
);
await embedded.built.close();

// A model: it calls the tool, reads its answer and writes its own, streamed.
const model = await server(true);
llm.script(
  toolCall({ name: model.tool, args: { text: 'The quick brown fox jumps over the lazy dog. It sleeps!' } }),
  (req) => {
    const out = JSON.parse(String(req.last?.content)).output;
    return text(
      'The text has ',
      `${out.words} words `,
      `in ${out.sentences} sentences`,
      `; about ${out.reading_minutes} minute `,
      'to read.',
    ).paced(80);
  },
);
const started = (
  await model.send(
    'POST',
    `/api/agents/${model.agent}/execute`,
    {
      task: 'How long is this text to read? The quick brown fox jumps over the lazy dog. It sleeps!',
      parameters: { async: true },
    },
    model.key,
  )
).data;
const stream = await openStream(`${model.base}/api/agents/${model.agent}/executions/${started.execution_id}/stream`, {
  'x-api-key': model.key,
});
while (!stream.events.some((e) => e.event === 'done')) await new Promise((r) => setTimeout(r, 50));
await stream.close();
show(
  'model planner: the execution stream (event: data)',
  stream.events
    .filter((e) => e.event !== 'step')
    .map((e) => `${e.event}: ${JSON.stringify(e.event === 'done' ? { status: e.data.status } : e.data)}`),
);
show('model planner: the execution', trim(stream.events.find((e) => e.event === 'done')!.data));
const journal = (
  await model.send('GET', `/api/agents/${model.agent}/executions/${started.execution_id}/journal`, undefined, model.key)
).data;
show(
  'model planner: GET …/executions/{id}/journal',
  journal.steps.map((s: any) => ({
    step_no: s.step_no,
    kind: s.kind,
    name: s.name,
    status: s.status,
    idempotency_key: s.idempotency_key,
    usage: s.usage,
  })),
);
show('GET /api/usage → llm_tokens', (await model.send('GET', '/api/usage', undefined, model.key)).data.llm_tokens);
await model.built.close();
await llm.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
