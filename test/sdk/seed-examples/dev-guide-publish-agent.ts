// developer-integration-guide.txt, "TypeScript Client" initialisation, then "Publishing Agents"
// (TypeScript). Only the import line is changed.
import { MarketplaceClient } from '@atom-platform/sdk';
const client = new MarketplaceClient({
baseUrl: 'https://atom-saas.fly.dev/api',
tenantId: 'your-tenant-id',
apiToken: 'your-api-token'
});
const result = await client.publishAgent({
agentId: 'atom_main',
marketplaceType: 'public',
name: 'Sales Automation Agent',
description: 'Automated sales outreach and CRM management',
capabilities: ['sales', 'crm', 'outreach'],
maturityLevel: 'supervised',
pricingTier: 'team',
tags: ['sales', 'automation', 'crm'],
documentationUrl: 'https://docs.example.com/sales-agent'
});
