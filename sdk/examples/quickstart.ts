/**
 * Quickstart for @atom-platform/sdk against a running ATOM server:
 *
 *   ATOM_URL=http://127.0.0.1:3000 ATOM_API_KEY=sk-atom… node --import tsx sdk/examples/quickstart.ts
 *
 * Creates an agent, runs a task (polling until it is done), looks at the skill marketplace,
 * subscribes a webhook and removes it, then deletes the agent again. Exits non-zero with the error code on failure.
 */
import { AtomClient, MarketplaceClient, MarketplaceError, RateLimitError } from '@atom-platform/sdk';

const baseUrl = process.env.ATOM_URL ?? 'http://127.0.0.1:3000';
const apiKey = process.env.ATOM_API_KEY;
if (!apiKey) {
  console.error('Set ATOM_API_KEY (an sk-atom… key; `npm run atom -- tenant create --name Demo` prints one).');
  process.exit(2);
}

const atom = new AtomClient({ baseUrl, apiKey });
const marketplace = new MarketplaceClient({ baseUrl, apiKey });

try {
  const agent = await atom.agents.create({
    name: 'Quickstart Assistant',
    role: 'general-assistant',
    maturity_level: 'student',
  });
  console.log(`created agent ${agent.id} (${agent.maturity_level})`);

  const execution = await atom.agents.execute(
    agent.id,
    { task: 'Search for recent AI papers' },
    { pollIntervalMs: 250 },
  );
  // Without an LLM (ATOM_LLM_BASE_URL) the embedded planner runs the tenant's installed skills; with none
  // that matches, the execution ends `failed` with a summary saying so.
  console.log(
    `execution ${execution.execution_id}: ${execution.status} (${String(execution.result?.summary ?? execution.error ?? '')})`,
  );

  let count = 0;
  for await (const a of atom.agents.iterate()) count += a ? 1 : 0;
  console.log(`the tenant has ${count} agent(s)`);

  const skills = await marketplace.skills.browse({ limit: 5 });
  console.log(
    `skill marketplace: ${skills.total ?? skills.length} listing(s)${skills.length ? `, first: ${skills[0].name}` : ''}`,
  );

  const webhook = await marketplace.createWebhook({
    url: 'https://example.com/atom-hooks',
    events: ['agent.executed'],
  });
  console.log(
    `webhook ${webhook.id} → ${webhook.url}, secret ${webhook.secret.slice(0, 10)}… (verify deliveries with verifyWebhook)`,
  );
  await marketplace.deleteWebhook(webhook.id);

  await atom.agents.delete(agent.id);
  console.log(`deleted agent ${agent.id}`);
} catch (err) {
  if (err instanceof RateLimitError) console.error(`rate limited, retry after ${err.retryAfter}s`);
  else if (err instanceof MarketplaceError) console.error(`${err.code} (${err.status}): ${err.message}`);
  else console.error(err);
  process.exit(1);
}
