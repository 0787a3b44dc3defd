// api-overview.txt, "SDKs — TypeScript/JavaScript". Only the import line is changed.
import { AtomClient } from '@atom-platform/sdk';
const client = new AtomClient({
apiKey: process.env.ATOM_API_KEY
});
const agents = await client.agents.list();
const agent = await client.agents.create({
name: 'My Agent',
role: 'general-assistant'
});
