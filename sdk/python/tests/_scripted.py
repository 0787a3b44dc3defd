"""A small real HTTP server on loopback whose answers a test scripts (429 with Retry-After, 503,
slow answers), for the transport's retry, backoff and timeout behaviour."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional


def envelope(code: str, message: str, details: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, **({"details": details} if details else {})},
            "meta": {"timestamp": "2026-01-01T00:00:00Z", "request_id": "req_test"}}


class Scripted:
    """``answer(seen, n)`` → ``(status, headers, body, delay_seconds)`` for the n-th request (1-based)."""

    def __init__(self, answer: Callable[[dict[str, Any], int], tuple[int, dict[str, str], Any, float]]) -> None:
        self.seen: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                seen = {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length).decode() if length else "", "at": time.monotonic()}
                outer.seen.append(seen)
                status, headers, body, delay = answer(seen, len(outer.seen))
                if delay:
                    time.sleep(delay)
                raw = b"" if body is None else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    for k, v in {"content-type": "application/json", **headers}.items():
                        self.send_header(k, v)
                    self.send_header("content-length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
