// developer-integration-guide.txt, "TypeScript Client" initialisation, then "Installing Agents"
// (TypeScript). Only the import line is changed.
import { MarketplaceClient } from '@atom-platform/sdk';
const client = new MarketplaceClient({
baseUrl: 'https://atom-saas.fly.dev/api',
tenantId: 'your-tenant-id',
apiToken: 'your-api-token'
});
const result = await client.installAgent({
agentId: 'sales_automation_agent',
sourceTenantId: 'publisher-tenant-id',
targetTenantId: 'your-tenant-id',
installConfig: {
apiKeys: {
salesforce: 'your-salesforce-key'
},
settings: {
autoApprove: false,
maxDailyTasks: 100
}
}
});
