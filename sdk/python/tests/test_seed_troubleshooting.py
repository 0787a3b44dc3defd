"""The marketplace API seed's troubleshooting examples (plain `requests` against the API), run
against a real server. Their indentation, lost in the seed's text, is restored; nothing else but
base URLs, keys and ids changes. Not run: "Batch Operations" (relative URLs without a host),
"Mistake 3" (an endless `while True`), "Mistake 2" (production and dev hosts)."""
import importlib.util
import unittest

from ._fixtures import World
from ._snippets import run

W: World
HAS_REQUESTS = importlib.util.find_spec("requests") is not None
HAS_JSONSCHEMA = importlib.util.find_spec("jsonschema") is not None


def setUpModule() -> None:
    global W
    W = World()


@unittest.skipUnless(HAS_REQUESTS, "these examples use the requests package, which is not installed")
class Troubleshooting(unittest.TestCase):
    def ns(self, **extra):  # type: ignore[no-untyped-def]
        import requests
        return {"requests": requests, **extra}

    def test_backoff_and_rate_limit_headers(self) -> None:
        headers = {"X-API-Key": W.me["key"]}
        ns = run("market_backoff", namespace=self.ns())
        response = ns["make_request_with_backoff"](f"{W.url}/api/skills/marketplace", headers)
        self.assertEqual(response.status_code, 200)
        ns = run("market_monitor", namespace=self.ns(url=f"{W.url}/api/skills/marketplace", headers=headers))
        self.assertGreater(ns["limit"], 0)
        self.assertLessEqual(ns["remaining"], ns["limit"])

    def test_cached_browse(self) -> None:
        ns = run("market_cache", [("https://atom-saas.fly.dev/api", f"{W.url}/api"), ("sk-your-key", W.me["key"])], namespace=self.ns())
        self.assertTrue(ns["skills"]["success"])
        self.assertIn(W.skill_listing, [s["id"] for s in ns["skills"]["skills"]])

    @unittest.skipUnless(HAS_JSONSCHEMA, "the example validates with the jsonschema package, which is not installed")
    def test_config_schema_from_get_skill(self) -> None:
        import requests
        schema = {"type": "object", "properties": {"api_key": {"type": "string"}, "timeout": {"type": "number", "default": 30}}, "required": ["api_key"]}
        skill_id = W.s.private_skill(W.me["key"], config_schema=schema)
        skill = requests.get(f"{W.url}/api/skills/{skill_id}", headers={"X-API-Key": W.me["key"]}).json()
        ns = run("market_config_schema", namespace={"skill": skill})
        self.assertEqual(ns["form"]["api_key"], {"type": "string", "required": True, "default": None})
        self.assertEqual(ns["form"]["timeout"]["default"], 30)

    def test_all_pages_and_search_by_name(self) -> None:
        import requests
        session = requests.Session()
        session.headers["X-API-Key"] = W.me["key"]
        for _ in range(3):
            W.s.private_skill(W.me["key"], name="Data Analysis", description="data analysis helper")
        ns = run("market_pages_and_search", namespace={"requests": session, "url": f"{W.url}/api/skills/marketplace"})
        total = session.get(f"{W.url}/api/skills/marketplace?limit=1").json()["total"]
        self.assertEqual(len(ns["all_skills"]), total)
        self.assertTrue(ns["skill_id"].startswith("mkt_"))

    def test_inspect_response_and_error_tracker(self) -> None:
        ns = run("market_inspect", namespace=self.ns(url=f"{W.url}/api/skills/mkt_missing", headers={"X-API-Key": W.me["key"]}))
        printed = ns["_printed"]
        self.assertEqual(printed[0], "Status: 404")
        self.assertIn("Error Code: SKILL_NOT_FOUND", printed)
        self.assertTrue(any(line.startswith("Rate Limit: ") for line in printed))
        self.assertEqual(printed[-1], "{'SKILL_NOT_FOUND': 100}")
