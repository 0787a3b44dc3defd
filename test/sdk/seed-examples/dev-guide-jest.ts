// developer-integration-guide.txt, "Integration Tests" (TypeScript, Jest style). Only the import
// line is changed; the test provides describe/test/expect.
import { MarketplaceClient } from '@atom-platform/sdk';
describe('Marketplace Integration', () => {
const client = new MarketplaceClient({
baseUrl: 'https://atom-saas.fly.dev/api/test',
tenantId: 'test-tenant-id',
apiToken: 'test-api-token'
});
test('list agents', async () => {
const agents = await client.listAgents({
marketplaceType: 'public'
});
expect(agents.length).toBeGreaterThan(0);
expect(agents[0].id).toBeDefined();
});
test('install agent', async () => {
const result = await client.installAgent('test-agent', 'test-tenant-id');
expect(result.status).toBe('installed');
});
});
