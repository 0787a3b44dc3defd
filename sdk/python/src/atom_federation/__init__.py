"""Discovery and signed bundles between ATOM instances (integration guide, Pattern 4).

A bundle (``atom.bundle`` version 1) is verified before it is returned: ``digest.value`` is the hex
SHA-256 of the canonical JSON of the bundle without ``digest`` and ``signature``; ``signature.value``
is the base64url Ed25519 signature of the 32 raw digest bytes by the key ``signature.key_id``,
published at the instance's ``/.well-known/atom-federation.json``. Verification is pure Python
(RFC 8032, ``atom._ed25519``): no third-party package is needed.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Iterable, Mapping, Optional

from atom import _ed25519
from atom._records import Page, Record, to_page, wrap
from atom._transport import Transport
from atom.errors import BundleVerificationError

__all__ = ["FederationClient", "verify_agent_bundle", "canonical_json", "BundleVerificationError"]


def canonical_json(value: Any) -> str:
    """Object keys sorted at every level, no whitespace: the form the digest is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fail(message: str, **details: Any) -> None:
    raise BundleVerificationError("BUNDLE_VERIFICATION_FAILED", message, details)


def _key_bytes(key: Any) -> Optional[bytes]:
    """A published key ``{key_id, public_key}``, a JWK ``{kty: OKP, crv: Ed25519, x}``, or 32 raw bytes."""
    try:
        if isinstance(key, (bytes, bytearray)):
            return bytes(key)
        if isinstance(key, Mapping):
            text = key.get("public_key") or key.get("x") or (key.get("jwk") or {}).get("x")
            return _b64url(text) if isinstance(text, str) else None
    except (ValueError, TypeError):
        return None
    return None


def _kid(key: Any) -> Optional[str]:
    return (key.get("key_id") or key.get("kid")) if isinstance(key, Mapping) else None


def verify_agent_bundle(bundle: Mapping[str, Any], keys: Iterable[Any]) -> Mapping[str, Any]:
    """Checks format, digest and signature against the source's keys (the one named by
    ``signature.key_id``; keys without an id are all tried). Raises BundleVerificationError."""
    if not isinstance(bundle, Mapping) or bundle.get("format") != "atom.bundle" or bundle.get("version") != 1:
        _fail("Not an atom.bundle version 1")
    digest, signature = bundle.get("digest") or {}, bundle.get("signature") or {}
    if digest.get("alg") != "sha-256" or not isinstance(digest.get("value"), str) or signature.get("alg") != "ed25519" or not isinstance(signature.get("value"), str):
        _fail("Bundle lacks a sha-256 digest or an ed25519 signature")
    body = {k: v for k, v in bundle.items() if k not in ("digest", "signature")}
    actual = hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    if actual != digest["value"].lower():
        _fail("Bundle digest does not match its content", expected=digest["value"], actual=actual)
    candidates = [k for k in keys if _kid(k) in (None, signature.get("key_id"))]
    if not candidates:
        _fail(f"No public key '{signature.get('key_id')}' for this bundle", key_id=signature.get("key_id"))
    try:
        sig = _b64url(signature["value"])
    except ValueError:
        sig = b""
    message = bytes.fromhex(actual)
    if not any((pk := _key_bytes(k)) is not None and _ed25519.verify(pk, message, sig) for k in candidates):
        _fail("Bundle signature is not valid for the source instance's key", key_id=signature.get("key_id"))
    return bundle


class FederationClient:
    """``FederationClient(base_url="https://peer/api/federation", federation_key=…, source_instance="https://me")``.
    ``public_keys`` pins the peer's keys; otherwise they are fetched once from its well-known URL."""

    def __init__(self, base_url: Optional[str] = None, federation_key: Optional[str] = None, source_instance: Optional[str] = None,
                 public_keys: Optional[list[Any]] = None, **options: Any) -> None:
        headers = dict(options.pop("headers", None) or {})
        if federation_key:
            headers["x-federation-key"] = federation_key
        if source_instance:
            headers["x-federation-source"] = source_instance
        self.transport = Transport(base_url, headers=headers, **options)
        self.source_instance = source_instance
        self._keys = public_keys

    def discover_agents(self, capability: Optional[str] = None, page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> Page:
        """Approved public agent listings the peer shares (``agent_id``, ``name``, ``source_instance``, …)."""
        q = {k: v for k, v in {"capability": capability, "page": page, "limit": page_size, **filters}.items() if v is not None}
        return to_page(self.transport.call("discoverAgents", query=q))

    def download_agent_bundle(self, agent_id: str, verify: bool = True) -> Record:
        """The signed bundle, verified (digest and Ed25519 signature) unless ``verify=False``;
        returned as received so another instance can verify it again."""
        bundle = self.transport.call("downloadAgentBundle", params={"id": agent_id})
        if verify:
            verify_agent_bundle(bundle, self.public_keys())
        return wrap(bundle)

    def public_keys(self) -> list[Any]:
        """The peer's Ed25519 keys: pinned ones, else those at its well-known URL (fetched once)."""
        if self._keys is None:
            doc = self.transport.call("federationKeys") or {}
            keys = [k for k in doc.get("public_keys", []) if k.get("alg") == "ed25519" and isinstance(k.get("public_key"), str)]
            if not keys:
                _fail("No Ed25519 key published by the peer")
            self._keys = keys
        return self._keys
