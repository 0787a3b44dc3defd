"""The one HTTP layer of the SDK (standard library only): credentials, timeouts, retries with
full-jitter exponential backoff on 429/5xx/network errors honouring ``Retry-After`` (capped), one
``Idempotency-Key`` per write reused by its retries, and typed errors from the server's envelope."""
from __future__ import annotations

import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Mapping, Optional

from ._routes import ROUTES
from .errors import (MarketplaceError, NetworkError, RateLimitError, RequestTimeoutError,
                     error_from_response, retry_after_seconds)

__version__ = "0.1.0"
DEFAULT_URL = "http://localhost:3000"


def normalise_base_url(url: Optional[str]) -> str:
    """``https://host/api``, ``https://host/api/federation`` and ``https://host`` all mean ``https://host``:
    routes carry their full ``/api/...`` path."""
    raw = url or os.environ.get("ATOM_BASE_URL") or os.environ.get("ATOM_URL") or DEFAULT_URL
    parts = urllib.parse.urlsplit(raw)
    segments = parts.path.split("/")
    if "api" in segments:
        segments = segments[: len(segments) - 1 - segments[::-1].index("api")]
    path = "/".join(segments).rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def fill_path(path: str, params: Mapping[str, str]) -> str:
    out = path
    for name, value in params.items():
        if value is None or value == "":
            raise TypeError(f"missing path parameter '{name}' for {path}")
        out = out.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
    if "{" in out:
        raise TypeError(f"missing path parameter in {out}")
    return out


def query_string(query: Optional[Mapping[str, Any]]) -> str:
    pairs = []
    for k, v in (query or {}).items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, (list, tuple)):
            v = ",".join(str(x) for x in v)
        pairs.append((k, str(v)))
    return ("?" + urllib.parse.urlencode(pairs)) if pairs else ""


def unwrap(body: Any) -> Any:
    """``{success: true, data, meta}`` → data; every other body as is."""
    if isinstance(body, dict) and body.get("success") is True and "data" in body and set(body) <= {"success", "data", "meta"}:
        return body["data"]
    return body


class Transport:
    """Sends one request with retries. ``sleep`` and ``rand`` are injectable for tests."""

    def __init__(self, base_url: Optional[str] = None, *, api_key: Optional[str] = None, api_token: Optional[str] = None,
                 tenant_id: Optional[str] = None, admin_key: Optional[str] = None, headers: Optional[Mapping[str, str]] = None,
                 timeout: float = 30.0, max_retries: int = 2, retry_delay: float = 0.5, max_retry_delay: float = 30.0,
                 retry_non_idempotent: bool = True, sleep: Callable[[float], None] = time.sleep,
                 rand: Callable[[], float] = random.random) -> None:
        self.base_url = normalise_base_url(base_url)
        h = {"accept": "application/json", "user-agent": f"atom-python-sdk/{__version__}"}
        if api_key:
            h["x-api-key"] = api_key
        if api_token:
            h["authorization"] = f"Bearer {api_token}"
        if tenant_id:
            h["x-tenant-id"] = tenant_id
        if admin_key:
            h["x-admin-key"] = admin_key
        h.update({k.lower(): v for k, v in (headers or {}).items()})
        self.headers = h
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.retry_non_idempotent = retry_non_idempotent
        self._sleep = sleep
        self._rand = rand

    def call(self, route: str, *, params: Optional[Mapping[str, str]] = None, query: Optional[Mapping[str, Any]] = None,
             body: Any = None, idempotency_key: Optional[str] = None, timeout: Optional[float] = None,
             max_retries: Optional[int] = None) -> Any:
        """Calls a route of :data:`ROUTES` by name; answers the unwrapped body or raises a MarketplaceError."""
        method, path = ROUTES[route]
        url = self.base_url + fill_path(path, params or {}) + query_string(query)
        component_id = next(iter((params or {}).values()), None)
        return self.send(method, url, body=body, idempotency_key=idempotency_key, timeout=timeout,
                         max_retries=max_retries, component_id=component_id)

    def get(self, path_or_url: str, *, timeout: Optional[float] = None) -> Any:
        """GET an absolute or server-relative URL (a ``poll_url``)."""
        url = path_or_url if path_or_url.startswith(("http://", "https://")) else self.base_url + path_or_url
        return self.send("GET", url, timeout=timeout)

    def send(self, method: str, url: str, *, body: Any = None, idempotency_key: Optional[str] = None,
             timeout: Optional[float] = None, max_retries: Optional[int] = None, component_id: Optional[str] = None) -> Any:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body, default=_json_default).encode("utf-8")
            headers["content-type"] = "application/json"
        if method in ("POST", "PATCH"):
            # One key per call, reused by every retry: the server replays the first answer.
            headers["idempotency-key"] = idempotency_key or str(uuid.uuid4())
        retries = self.max_retries if max_retries is None else max_retries
        attempt = 0
        while True:
            try:
                status, answer_headers, parsed = self._attempt(method, url, headers, data, timeout or self.timeout)
                if 200 <= status < 300:
                    return unwrap(parsed)
                failure = error_from_response(status, parsed, answer_headers, component_id)
            except MarketplaceError as err:
                failure = err
            wait = self.retry_delay_for(failure, attempt, retries, method)
            if wait is None:
                raise failure
            self._sleep(wait)
            attempt += 1

    def _attempt(self, method: str, url: str, headers: Mapping[str, str], data: Optional[bytes], timeout: float):
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                return res.status, _lower(res.headers), _parse(res.read(), res.headers.get("content-type", ""))
        except urllib.error.HTTPError as err:
            raw = err.read() if err.fp is not None else b""
            return err.code, _lower(err.headers), _parse(raw, err.headers.get("content-type", "") if err.headers else "")
        except (socket.timeout, TimeoutError) as err:
            raise RequestTimeoutError("TIMEOUT", f"{method} {url} did not answer within {timeout} s") from err
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise RequestTimeoutError("TIMEOUT", f"{method} {url} did not answer within {timeout} s") from err
            refused = isinstance(reason, ConnectionRefusedError)
            raise NetworkError("CONNECTION_REFUSED" if refused else "CONNECTION_ERROR", f"{method} {url} failed: {reason}") from err
        except (ConnectionError, OSError) as err:
            raise NetworkError("CONNECTION_ERROR", f"{method} {url} failed: {err}") from err

    def retry_delay_for(self, err: MarketplaceError, attempt: int, retries: int, method: str) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the failure is final."""
        if attempt >= retries:
            return None
        retryable = err.status == 0 or isinstance(err, RateLimitError) or (err.status >= 500 and err.status != 501)
        if not retryable:
            return None
        # Surely not run: refused by the rate limiter, the server unavailable, or never connected.
        not_run = isinstance(err, RateLimitError) or err.status == 503 or err.code == "CONNECTION_REFUSED"
        if method in ("POST", "PATCH") and not not_run and not self.retry_non_idempotent:
            return None
        after = retry_after_seconds(err.headers, err.details)
        if after is not None:
            return None if after > self.max_retry_delay else after + self._rand() * min(0.25, after * 0.1)
        # Full jitter: uniform in [0, min(cap, base * 2^attempt)].
        return self._rand() * min(self.max_retry_delay, self.retry_delay * (2 ** attempt))


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in (headers.items() if headers is not None else [])}


def _parse(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _json_default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return iso()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
