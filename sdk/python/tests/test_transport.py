"""Timeouts, full-jitter retries honouring Retry-After (capped), one Idempotency-Key per write, typed
errors: against a scripted loopback server."""
import socket
import unittest

from atom_marketplace import MarketplaceClient
from atom_marketplace.errors import (ComponentNotFoundError, InsufficientPermissionsError, MarketplaceError, RateLimitError)
from atom.errors import AuthenticationError, NetworkError, RequestTimeoutError, ServerError, ValidationError
from atom._transport import Transport, normalise_base_url

from ._scripted import Scripted, envelope

OK = (200, {}, {"skills": [{"id": "mkt_1", "name": "x"}], "total": 1}, 0)


def client(url: str, **kw):  # type: ignore[no-untyped-def]
    waits: list[float] = []
    c = MarketplaceClient(base_url=url, api_key="sk-test", sleep=waits.append, **kw)
    return c, waits


class Retries(unittest.TestCase):
    def setUp(self) -> None:
        self.servers: list[Scripted] = []

    def tearDown(self) -> None:
        for s in self.servers:
            s.close()

    def scripted(self, answer):  # type: ignore[no-untyped-def]
        s = Scripted(answer)
        self.servers.append(s)
        return s

    def test_429_waits_retry_after_then_succeeds(self) -> None:
        s = self.scripted(lambda seen, n: (429, {"retry-after": "2"}, envelope("RATE_LIMIT_EXCEEDED", "slow down", {"retry_after": 2}), 0) if n == 1 else OK)
        c, waits = client(s.url)
        self.assertEqual(c.list_skills()[0]["id"], "mkt_1")
        self.assertEqual(len(waits), 1)
        self.assertGreaterEqual(waits[0], 2.0)
        self.assertLessEqual(waits[0], 2.25)

    def test_a_retry_after_over_the_cap_is_not_waited_for(self) -> None:
        s = self.scripted(lambda seen, n: (429, {"retry-after": "3600"}, envelope("RATE_LIMIT_EXCEEDED", "tomorrow"), 0))
        c, waits = client(s.url, max_retry_delay=30)
        with self.assertRaises(RateLimitError) as caught:
            c.list_skills()
        self.assertEqual(caught.exception.retry_after, 3600)
        self.assertEqual((waits, len(s.seen)), ([], 1))

    def test_5xx_backs_off_with_full_jitter_and_gives_up_after_max_retries(self) -> None:
        s = self.scripted(lambda seen, n: (503, {}, envelope("SERVICE_UNAVAILABLE", "down"), 0))
        c, waits = client(s.url, max_retries=3, retry_delay=0.5)
        with self.assertRaises(ServerError):
            c.list_skills()
        self.assertEqual(len(s.seen), 4)
        for attempt, wait in enumerate(waits):
            self.assertTrue(0 <= wait <= 0.5 * 2 ** attempt, (attempt, wait))
        fixed = Transport(s.url, rand=lambda: 1.0, retry_delay=0.5, max_retry_delay=1.5)
        err = ServerError("X", "y", status=503)
        self.assertEqual([fixed.retry_delay_for(err, a, 5, "GET") for a in range(4)], [0.5, 1.0, 1.5, 1.5])

    def test_one_idempotency_key_is_reused_by_every_retry_of_a_write(self) -> None:
        s = self.scripted(lambda seen, n: (502, {}, envelope("BAD_GATEWAY", "x"), 0) if n < 3 else (200, {}, {"success": True, "skill_id": "ins_1", "status": "installed"}, 0))
        c, _ = client(s.url)
        self.assertEqual(c.install_skill("mkt_1")["status"], "installed")
        keys = {x["headers"].get("idempotency-key") for x in s.seen}
        self.assertEqual(len(s.seen), 3)
        self.assertEqual(len(keys), 1)
        self.assertIsNotNone(keys.pop())
        c.install_skill("mkt_2")
        self.assertNotEqual(s.seen[-1]["headers"]["idempotency-key"], s.seen[0]["headers"]["idempotency-key"], "a new call, a new key")

    def test_writes_that_may_have_run_are_not_retried_when_asked(self) -> None:
        s = self.scripted(lambda seen, n: (500, {}, envelope("INTERNAL_ERROR", "x"), 0))
        c, _ = client(s.url, retry_non_idempotent=False)
        with self.assertRaises(ServerError):
            c.install_skill("mkt_1")
        self.assertEqual(len(s.seen), 1)

    def test_timeout_is_per_attempt_and_typed(self) -> None:
        s = self.scripted(lambda seen, n: (200, {}, {"skills": []}, 2.0))
        c, waits = client(s.url, timeout=0.2, max_retries=1)
        with self.assertRaises(RequestTimeoutError) as caught:
            c.list_skills()
        self.assertEqual((caught.exception.code, caught.exception.status, len(waits)), ("TIMEOUT", 0, 1))

    def test_refused_connection_is_retried_then_a_network_error(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        c, waits = client(f"http://127.0.0.1:{port}", max_retries=2)
        with self.assertRaises(NetworkError) as caught:
            c.list_skills()
        self.assertEqual((caught.exception.code, len(waits)), ("CONNECTION_REFUSED", 2))

    def test_errors_are_typed_from_the_envelope(self) -> None:
        answers = {
            "/api/agent-marketplace/agents/agt_x": (404, envelope("TEMPLATE_NOT_FOUND", "no")),
            "/api/skills/install": (403, envelope("INSUFFICIENT_PERMISSIONS", "no", {"required_permission": "SKILL_MANAGE"})),
            "/api/usage": (401, envelope("AUTH_REQUIRED", "who")),
            "/api/webhooks": (400, envelope("VALIDATION_ERROR", "bad", {"field": "url"})),
        }
        def answer(seen, n):  # type: ignore[no-untyped-def]
            status, body = answers[seen["path"].split("?")[0]]
            return status, {}, body, 0
        s = self.scripted(answer)
        c, _ = client(s.url)
        with self.assertRaises(ComponentNotFoundError) as nf:
            c.get_agent("agt_x")
        self.assertEqual((nf.exception.component_id, nf.exception.code, nf.exception.status), ("agt_x", "TEMPLATE_NOT_FOUND", 404))
        with self.assertRaises(InsufficientPermissionsError) as perm:
            c.install_skill("mkt_1")
        self.assertEqual(perm.exception.required_permission, "SKILL_MANAGE")
        self.assertRaises(AuthenticationError, c.get_usage_stats)
        with self.assertRaises(ValidationError) as bad:
            c.create_webhook("x", ["component.installed"], "s" * 20)
        self.assertEqual(bad.exception.details["field"], "url")
        self.assertIsInstance(bad.exception, MarketplaceError)


class BaseUrl(unittest.TestCase):
    def test_the_guides_base_urls_all_mean_the_server(self) -> None:
        for given in ("https://h.example/api", "https://h.example/api/federation", "https://h.example/", "https://h.example/api/test"):
            self.assertEqual(normalise_base_url(given), "https://h.example")
        self.assertEqual(normalise_base_url("http://h:8/prefix/api"), "http://h:8/prefix")
