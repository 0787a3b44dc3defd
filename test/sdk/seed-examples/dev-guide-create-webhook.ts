// developer-integration-guide.txt: "TypeScript Client" initialisation, then "Setting Up Webhooks"
// (TypeScript). Only the import line is changed.
import { MarketplaceClient } from '@atom-platform/sdk';
const client = new MarketplaceClient({
baseUrl: 'https://atom-saas.fly.dev/api',
tenantId: 'your-tenant-id',
apiToken: 'your-api-token'
});
const webhook = await client.createWebhook({
url: 'https://your-app.com/webhooks/marketplace',
events: ['component.installed', 'component.updated', 'component.rated'],
secret: 'your-webhook-secret'
});
