"""One real ATOM server for the whole test run (started on first use, stopped at exit), plus
helpers that set up tenants and data through its public API.

With ATOM_TEST_URL and ATOM_TEST_ADMIN_KEY set, that server is used instead. Otherwise
``node --import tsx src/main.ts start`` runs from the repository on a free loopback port, with a
temporary ATOM_DATA_DIR (embedded PGlite) or the DATABASE_URL / REDIS_URL of the environment.
"""
from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[3]
_server: Optional["Server"] = None
_lock = threading.Lock()


class Server:
    def __init__(self, url: str, admin_key: str, proc: Optional[subprocess.Popen] = None, data_dir: Optional[str] = None) -> None:
        self.url = url
        self.admin_key = admin_key
        self.proc = proc
        self.data_dir = data_dir
        self._n = 0

    # ---- raw HTTP, for setting up what the SDK call under test needs
    def http(self, method: str, path: str, body: Any = None, key: Optional[str] = None, admin: bool = False,
             headers: Optional[dict[str, str]] = None) -> tuple[int, Any]:
        h = {"content-type": "application/json", **(headers or {})}
        if key:
            h["x-api-key"] = key
        if admin:
            h["x-admin-key"] = self.admin_key
        data = json.dumps(body).encode() if body is not None else (b"{}" if method in ("POST", "PUT", "PATCH") else None)
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                raw = res.read()
                return res.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, json.loads(raw) if raw else None

    def ok(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        status, answer = self.http(method, path, body, **kw)
        if status >= 300:
            raise AssertionError(f"{method} {path} → {status} {answer}")
        return answer

    def tenant(self, plan: str = "enterprise") -> dict[str, str]:
        """A new tenant with its owner's API key: ``{id, key}``."""
        self._n += 1
        body = {"name": f"Py tenant {self._n}", "plan": plan, "owner_email": f"py{self._n}.{secrets.token_hex(4)}@example.com",
                "owner_password": "correct horse battery"}
        data = self.ok("POST", "/api/tenants", body, admin=True)["data"]
        return {"id": data["tenant"]["id"], "key": data["key"]}

    def private_skill(self, key: str, **fields: Any) -> str:
        body = {"name": "Paper search", "description": "Search the web for research papers and AI articles", "skill_type": "function",
                "code": "function execute(i) { return { results: ['paper about ' + (i.task || i.query || 'ai')] }; }", "action": "search", **fields}
        return self.ok("POST", "/api/v1/skills/private", body, key=key)["skill_id"]

    def agent(self, key: str, **fields: Any) -> str:
        body = {"name": "Sales", "role": "custom", "maturity_level": "supervised", "capabilities": ["sales"], **fields}
        return self.ok("POST", "/api/agents", body, key=key)["data"]["agent"]["id"]

    def approve_agent(self, template_id: str) -> None:
        self.ok("POST", f"/api/agent-marketplace/agents/{template_id}/approve", admin=True)

    def wait_until(self, predicate: Any, timeout: float = 20.0, interval: float = 0.05) -> Any:
        """Polls observable state (never a fixed sleep) until ``predicate()`` is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting")
            time.sleep(interval)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr) if self.proc else ():
            if stream:
                stream.close()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn() -> Server:
    port = _free_port()
    admin_key = "adm_py_" + secrets.token_hex(12)
    data_dir = tempfile.mkdtemp(prefix="atom-py-")
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "ATOM_PUBLIC_URL": f"http://127.0.0.1:{port}", "ATOM_ADMIN_KEY": admin_key,
           "ATOM_DATA_DIR": data_dir, "ATOM_ALLOW_INSECURE_WEBHOOKS": "true", "LOG_LEVEL": "warn", "ATOM_EXECUTION_SYNC_MS": "2000",
           "ATOM_RATE_LIMIT_PREFIX": "atom:pytest:" + secrets.token_hex(6), "ATOM_WEBHOOK_RETRY_SCHEDULE_MS": "200,400"}
    proc = subprocess.Popen([os.environ.get("NODE", "node"), "--import", "tsx", "src/main.ts", "start"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = Server(f"http://127.0.0.1:{port}", admin_key, proc, data_dir)
    # A server that never says it listens is killed, which ends the read below.
    watchdog = threading.Timer(180, proc.kill)
    watchdog.start()
    assert proc.stdout is not None
    ready = False
    for line in proc.stdout:  # the server prints where it listens once it is ready
        if "listening on" in line:
            ready = True
            break
    watchdog.cancel()
    if not ready or proc.poll() is not None:
        err = proc.stderr.read() if proc.stderr else ""
        server.stop()
        raise RuntimeError(f"ATOM server did not start: {err[-2000:]}")
    # Keep reading its output so a full pipe never blocks it.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
    return server


def server() -> Server:
    global _server
    with _lock:
        if _server is None:
            url, key = os.environ.get("ATOM_TEST_URL"), os.environ.get("ATOM_TEST_ADMIN_KEY")
            _server = Server(url.rstrip("/"), key) if url and key else _spawn()
            atexit.register(_server.stop)
        return _server


if __name__ == "__main__":
    s = server()
    print(s.url, file=sys.stderr)
