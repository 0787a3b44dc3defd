// integration-guide.txt, "Error Handling" (TypeScript). Only the import line is changed; the
// `marketplace` client of its Basic Setup comes first, and `(...)` is filled by the test.
import {
MarketplaceClient,
RateLimitError,
ComponentNotFoundError,
InsufficientPermissionsError,
MarketplaceError
} from '@atom-platform/sdk';
const marketplace = new MarketplaceClient({
baseUrl: process.env.ATOM_BASE_URL || 'https://atom-saas.fly.dev/api',
tenantId: process.env.ATOM_TENANT_ID!,
apiToken: process.env.ATOM_API_TOKEN!
});
try {
const result = await marketplace.installAgent(...);
} catch (error) {
if (error instanceof RateLimitError) {
console.log(`Rate limited. Retry after ${error.retryAfter}s`);
await new Promise(resolve => setTimeout(resolve, error.retryAfter * 1000));
} else if (error instanceof ComponentNotFoundError) {
console.log(`Agent not found: ${error.componentId}`);
} else if (error instanceof InsufficientPermissionsError) {
console.log(`Permission denied: ${error.requiredPermission}`);
} else if (error instanceof MarketplaceError) {
console.log(`Marketplace error: ${error.code} - ${error.message}`);
// Log error for debugging
console.error('Marketplace error details:', error.details);
}
}
