// integration-guide.txt, "TypeScript/JavaScript Integration — Basic Setup". The two import lines
// name this package instead of @atom-saas/marketplace-sdk and @atom-saas/federation-sdk.
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
