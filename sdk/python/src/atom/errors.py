"""Typed errors, raised from the server's envelope
``{"success": false, "error": {"code", "message", "details"}, "meta": {"request_id"}}``.

Every error the SDK raises for an HTTP answer is a :class:`MarketplaceError` (alias
:class:`AtomError`); a failure before any answer (refused connection, timeout) has ``status == 0``.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional


class MarketplaceError(Exception):
    """``code``, ``message``, ``details`` as the server sent them, plus ``status`` and ``request_id``."""

    def __init__(self, code: str, message: str, details: Optional[Mapping[str, Any]] = None, *,
                 status: int = 0, request_id: Optional[str] = None, headers: Optional[Mapping[str, str]] = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.status = status
        self.request_id = request_id
        self.headers: dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}


AtomError = MarketplaceError


class RateLimitError(MarketplaceError):
    """429: ``retry_after`` in seconds (from ``Retry-After``, else ``details.retry_after``), or None."""

    @property
    def retry_after(self) -> Optional[float]:
        return retry_after_seconds(self.headers, self.details)


class ComponentNotFoundError(MarketplaceError):
    """404 (``COMPONENT_NOT_FOUND``, ``AGENT_NOT_FOUND``, …): ``component_id`` is the id asked for."""

    def __init__(self, *args: Any, component_id: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        d = self.details
        self.component_id = component_id or d.get("component_id") or d.get("id") or d.get("agent_id") or d.get("skill_id")


class InsufficientPermissionsError(MarketplaceError):
    """403: ``required_permission`` names what the credential lacks (when the server says)."""

    @property
    def required_permission(self) -> Optional[str]:
        value = self.details.get("required_permission") or self.details.get("required_scope")
        return str(value) if value is not None else None


class AuthenticationError(MarketplaceError):
    """401: missing, unknown, revoked or expired credential (``AUTH_REQUIRED``, ``INVALID_API_KEY``, …)."""


class ValidationError(MarketplaceError):
    """400 / 422: the request was refused as given (``details.field`` names the field when known)."""


class ConflictError(MarketplaceError):
    """409: the state does not allow it now (``CONFLICTING_OPERATION``, ``ALREADY_PUBLISHED``, …)."""


class ServerError(MarketplaceError):
    """5xx."""


class NetworkError(MarketplaceError):
    """No answer: refused or reset connection, DNS failure (``status == 0``)."""


class RequestTimeoutError(NetworkError):
    """No answer within the timeout (``code == "TIMEOUT"``), or an execution that did not finish in time."""


class BundleVerificationError(MarketplaceError):
    """A federation bundle whose format, digest or Ed25519 signature does not hold."""


def retry_after_seconds(headers: Mapping[str, str], details: Mapping[str, Any]) -> Optional[float]:
    raw = headers.get("retry-after")
    if raw is not None:
        try:
            return max(0.0, float(raw))
        except ValueError:
            from email.utils import parsedate_to_datetime
            import time
            try:
                return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    value = details.get("retry_after")
    return float(value) if isinstance(value, (int, float)) else None


def error_from_response(status: int, body: Any, headers: Mapping[str, str], component_id: Optional[str] = None) -> MarketplaceError:
    """The server's envelope (or the marketplace ``{error: "…", code}`` form) as a typed error."""
    b = body if isinstance(body, dict) else {}
    e = b["error"] if isinstance(b.get("error"), dict) else b
    code = e.get("code") if isinstance(e.get("code"), str) else f"HTTP_{status}"
    if isinstance(e.get("message"), str):
        message = e["message"]
    elif isinstance(b.get("error"), str):
        message = b["error"]
    else:
        message = (body[:500] if isinstance(body, str) and body else code)
    details = e.get("details") if isinstance(e.get("details"), dict) else {}
    meta = b.get("meta") if isinstance(b.get("meta"), dict) else {}
    kw: dict[str, Any] = {"status": status, "request_id": meta.get("request_id"), "headers": headers}
    if status == 429 or code == "RATE_LIMIT_EXCEEDED":
        return RateLimitError(code, message, details, **kw)
    if status == 404 or code.endswith("_NOT_FOUND"):
        return ComponentNotFoundError(code, message, details, component_id=component_id, **kw)
    if status == 403:
        return InsufficientPermissionsError(code, message, details, **kw)
    if status == 401:
        return AuthenticationError(code, message, details, **kw)
    if status in (400, 413, 415, 422):
        return ValidationError(code, message, details, **kw)
    if status == 409:
        return ConflictError(code, message, details, **kw)
    if status >= 500:
        return ServerError(code, message, details, **kw)
    return MarketplaceError(code, message, details, **kw)
