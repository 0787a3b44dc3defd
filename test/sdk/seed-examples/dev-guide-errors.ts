// developer-integration-guide.txt, "Error Handling Examples" (TypeScript). Only the import line is
// changed; the seed's `(...)` argument placeholders are filled by the test.
import {
MarketplaceClient,
RateLimitError,
ComponentNotFoundError,
InsufficientPermissionsError
} from '@atom-platform/sdk';
const client = new MarketplaceClient(...);
try {
await client.installAgent(...);
} catch (error) {
if (error instanceof RateLimitError) {
console.log(`Rate limited. Retry after ${error.retryAfter}s`);
} else if (error instanceof ComponentNotFoundError) {
console.log(`Component not found: ${error.componentId}`);
} else if (error instanceof InsufficientPermissionsError) {
console.log(`Insufficient permissions: ${error.requiredPermission}`);
} else {
console.log(`Marketplace error: ${error.code} - ${error.message}`);
}
}
