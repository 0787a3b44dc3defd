// developer-integration-guide.txt, "Handling Rate Limits" (TypeScript). The seed uses
// RateLimitError without importing it; the added import line is the only change.
import { RateLimitError } from '@atom-platform/sdk';
async function withRetry<T>(
fn: () => Promise<T>,
maxRetries: number = 3
): Promise<T> {
for (let attempt = 0; attempt < maxRetries; attempt++) {
try {
return await fn();
} catch (error) {
if (error instanceof RateLimitError && attempt < maxRetries - 1) {
const retryAfter = error.retryAfter || 60;
console.log(`Rate limited. Retrying after ${retryAfter}s`);
await new Promise(resolve => setTimeout(resolve, retryAfter * 1000));
} else {
throw error;
}
}
}
throw new Error('Max retries exceeded');
}
