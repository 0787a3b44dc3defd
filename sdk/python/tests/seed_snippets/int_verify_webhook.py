# integration-guide.txt, Security Best Practices, Webhook Signature Verification
import hmac
import hashlib
def verify_webhook(payload: str, signature: str, secret: str) -> bool:
    """Verify webhook signature"""
    expected_signature = hmac.new(
        secret.encode(),
        payload.encode(),
        hashlib.sha256
    ).hexdigest()
    # Use constant-time comparison
    return hmac.compare_digest(expected_signature, signature)
