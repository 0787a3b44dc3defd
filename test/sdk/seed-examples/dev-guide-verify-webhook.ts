// developer-integration-guide.txt, "Verifying Webhook Signatures" (TypeScript), unchanged: the
// test checks that the SDK's verifyWebhook agrees with it on real deliveries.
import crypto from 'crypto';
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
const expectedSignature = crypto
.createHmac('sha256', secret)
.update(payload)
.digest('hex');
return crypto.timingSafeEqual(
Buffer.from(expectedSignature),
Buffer.from(signature)
);
}
