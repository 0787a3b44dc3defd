// integration-guide.txt, "TypeScript/JavaScript Integration": Basic Setup, Listing Agents,
// Publishing Components, Installing Components, Error Handling, in order. Only the import lines
// are changed; the error-handling block's `(...)` is filled by the test.
import { MarketplaceClient } from '@atom-platform/sdk';
import { FederationClient } from '@atom-platform/sdk';
// Initialize clients
const marketplace = new MarketplaceClient({
baseUrl: process.env.ATOM_BASE_URL || 'https://atom-saas.fly.dev/api',
tenantId: process.env.ATOM_TENANT_ID!,
apiToken: process.env.ATOM_API_TOKEN!
});
const federation = new FederationClient({
baseUrl: process.env.ATOM_FEDERATION_URL || 'https://atom-saas.fly.dev/api/federation',
federationKey: process.env.ATOM_FEDERATION_KEY!,
sourceInstance: process.env.ATOM_INSTANCE_URL!
});
// List agents with filters
interface ListAgentsOptions {
marketplaceType: 'public' | 'private';
capability?: string;
minRating?: number;
page?: number;
pageSize?: number;
}
const agents = await marketplace.listAgents({
marketplaceType: 'public',
capability: 'sales',
minRating: 4.0,
page: 1,
pageSize: 50
});
agents.items.forEach(agent => {
console.log(`${agent.name} - Rating: ${agent.avgRating}`);
});
// Publish an agent
interface PublishAgentOptions {
agentId: string;
marketplaceType: 'public' | 'private';
name: string;
description: string;
capabilities: string[];
maturityLevel: 'student' | 'intern' | 'supervised' | 'autonomous';
pricingTier: 'free' | 'solo' | 'team' | 'enterprise';
tags: string[];
documentationUrl?: string;
}
const result = await marketplace.publishAgent({
agentId: 'my-sales-agent',
marketplaceType: 'public',
name: 'My Sales Agent',
description: 'Automated sales outreach and follow-up',
capabilities: ['sales', 'crm', 'outreach'],
maturityLevel: 'supervised',
pricingTier: 'team',
tags: ['sales', 'automation'],
documentationUrl: 'https://docs.example.com'
});
console.log(`Published: ${result.componentId}`);
console.log(`Status: ${result.status}`);
// Install an agent
interface InstallAgentOptions {
agentId: string;
sourceTenantId: string;
targetTenantId: string;
installConfig?: {
apiKeys?: Record<string, string>;
settings?: Record<string, any>;
};
}
const installed = await marketplace.installAgent({
agentId: 'sales-automation-agent',
sourceTenantId: 'publisher-tenant-id',
targetTenantId: 'your-tenant-id',
installConfig: {
apiKeys: {
salesforce: process.env.SALESFORCE_API_KEY!
},
settings: {
autoApprove: false,
maxDailyTasks: 100
}
}
});
console.log(`Installed: ${installed.installationId}`);
