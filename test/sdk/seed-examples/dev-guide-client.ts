// developer-integration-guide.txt, "TypeScript Client". Only the import line is changed.
import { MarketplaceClient } from '@atom-platform/sdk';
const client = new MarketplaceClient({
baseUrl: 'https://atom-saas.fly.dev/api',
tenantId: 'your-tenant-id',
apiToken: 'your-api-token'
});
// List agents
const agents = await client.listAgents({
marketplaceType: 'public',
capability: 'sales',
minRating: 4.0
});
// Install agent
await client.installAgent('agent-123', 'your-tenant-id');
