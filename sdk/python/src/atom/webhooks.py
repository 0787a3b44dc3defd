"""Verifying ATOM's webhook deliveries. Each delivery carries two signatures:

- ``X-Webhook-Signature``: hex HMAC-SHA256 of the raw body keyed with the secret string as is
  (the seeds' ``verify_webhook(payload, signature, secret)``); during a secret rotation
  ``X-Webhook-Signature-Previous`` carries the old secret's signature;
- Standard Webhooks: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64>``
  (space separated) over ``id.timestamp.body``, keyed with the base64 part of a ``whsec_`` secret,
  or the UTF-8 bytes of any other secret.

Verify the raw body as received (Flask: ``request.get_data()``), before parsing JSON.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Mapping, Optional, Union

from .errors import MarketplaceError

Payload = Union[bytes, bytearray, memoryview, str]
Headers = Mapping[str, Any]


def _bytes(payload: Payload) -> bytes:
    return payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)


def _header(headers: Headers, name: str) -> Optional[str]:
    getter = getattr(headers, "get", None)
    value = getter(name) if getter else None
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return value


def verify_signature(payload: Payload, signature: Optional[str], secret: str) -> bool:
    """The seeds' check: ``signature`` is hex HMAC-SHA256(secret, payload). Constant time; never raises."""
    if not signature or not secret or not isinstance(signature, str):
        return False
    expected = hmac.new(secret.encode("utf-8"), _bytes(payload), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode("utf-8", "replace"))


def _standard_key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[6:], validate=True)
        except (binascii.Error, ValueError):
            return b""
    return secret.encode("utf-8")


def verify_standard_webhook(payload: Payload, headers: Headers, secret: str, *, tolerance: int = 300,
                            now: Optional[float] = None) -> bool:
    """Standard Webhooks (https://www.standardwebhooks.com): a ``v1`` signature over
    ``webhook-id.webhook-timestamp.body`` and a timestamp within ``tolerance`` seconds."""
    msg_id, ts, sigs = (_header(headers, n) for n in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not msg_id or not ts or not sigs or not secret or not ts.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(ts)) > tolerance:
        return False
    signed = f"{msg_id}.{ts}.".encode() + _bytes(payload)
    expected = base64.b64encode(hmac.new(_standard_key(secret), signed, hashlib.sha256).digest())
    ok = False
    for part in sigs.split(" "):
        version, _, value = part.partition(",")
        # Compare every candidate: no early exit on the first match.
        ok = (version == "v1" and hmac.compare_digest(expected, value.encode("utf-8", "replace"))) or ok
    return ok


def verify_webhook(payload: Payload, signature: Union[str, Headers, None], secret: str, *, tolerance: int = 300) -> bool:
    """True when a delivery is ATOM's. ``payload`` is the raw body (bytes as Flask's
    ``request.get_data()`` gives it, or str). ``signature`` is the ``X-Webhook-Signature`` value, or the
    request's headers: then Standard Webhooks headers are checked when present, else
    ``X-Webhook-Signature`` and its rotation twin ``X-Webhook-Signature-Previous``."""
    if signature is None or isinstance(signature, str):
        return verify_signature(payload, signature, secret)
    headers = signature
    if _header(headers, "webhook-signature"):
        return verify_standard_webhook(payload, headers, secret, tolerance=tolerance)
    current = verify_signature(payload, _header(headers, "x-webhook-signature"), secret)
    previous = verify_signature(payload, _header(headers, "x-webhook-signature-previous"), secret)
    return current or previous


def construct_event(payload: Payload, headers: Headers, secret: str, *, tolerance: int = 300) -> dict[str, Any]:
    """Verifies a delivery by its headers and returns the parsed event; raises
    ``MarketplaceError("WEBHOOK_VERIFICATION_FAILED")`` when no signature matches."""
    if not verify_webhook(payload, headers, secret, tolerance=tolerance):
        raise MarketplaceError("WEBHOOK_VERIFICATION_FAILED", "Webhook signature verification failed", status=400)
    return json.loads(_bytes(payload).decode("utf-8"))
