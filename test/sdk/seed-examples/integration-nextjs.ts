// integration-guide.txt, "Next.js Integration" (pages/api/agents.ts). Only the import line of the
// SDK is changed; the test calls the handler with a request and a response recorder.
import type { NextApiRequest, NextApiResponse } from 'next';
import { MarketplaceClient } from '@atom-platform/sdk';
const client = new MarketplaceClient({
baseUrl: process.env.ATOM_BASE_URL!,
tenantId: process.env.ATOM_TENANT_ID!,
apiToken: process.env.ATOM_API_TOKEN!
});
export default async function handler(
req: NextApiRequest,
res: NextApiResponse
) {
if (req.method !== 'GET') {
return res.status(405).json({ error: 'Method not allowed' });
}
try {
const agents = await client.listAgents({
marketplaceType: 'public',
capability: req.query.capability as string
});
res.status(200).json(agents);
} catch (error) {
res.status(500).json({
error: error instanceof Error ? error.message : 'Unknown error'
});
}
}
