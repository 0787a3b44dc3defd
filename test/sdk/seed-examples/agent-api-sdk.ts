// agent-api.txt, "SDK Examples — TypeScript/JavaScript". Only the import line is changed (and the
// seed's one-line text split back into lines at its `//` comments).
import { AtomClient } from '@atom-platform/sdk';
const client = new AtomClient({ apiKey: process.env.ATOM_API_KEY });
// List agents
const agents = await client.agents.list({ maturity_level: 'student' });
// Create agent
const agent = await client.agents.create({ name: 'Research Assistant', role: 'general-assistant', maturity_level: 'student' });
// Execute task
const result = await client.agents.execute(agent.id, { task: 'Search for AI papers' });
