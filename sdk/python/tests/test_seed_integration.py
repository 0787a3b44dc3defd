"""The integration guide's Python examples, run against a real server (tests/seed_snippets/)."""
import importlib.util
import threading
import unittest
from datetime import datetime, timedelta

from atom_federation import FederationClient
from atom_marketplace import MarketplaceClient, verify_webhook

from ._fixtures import World
from ._snippets import run, source

W: World
HAS_FLASK = importlib.util.find_spec("flask") is not None
HAS_REQUESTS = importlib.util.find_spec("requests") is not None
HAS_PYTEST = importlib.util.find_spec("pytest") is not None


def setUpModule() -> None:
    global W
    W = World()


class Time:
    """The examples' ``time``: ``sleep`` is the wait during which something outside the example
    happens (a reviewer approves); nothing sleeps for real."""

    def __init__(self, during_wait) -> None:  # type: ignore[no-untyped-def]
        self.waits: list[float] = []
        self._during = during_wait

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self._during()


def serve_flask(app):  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}/webhooks/atom"


class Patterns(unittest.TestCase):
    @unittest.skipUnless(HAS_REQUESTS, "Pattern 1 uses the requests package, which is not installed")
    def test_pattern1_direct_api(self) -> None:
        ns = run("int_direct_api", [("https://atom-saas.fly.dev/api/agents", f"{W.url}/api/agents"), ("your-tenant-id", W.me["id"]), ("your-api-token", W.me["key"])])
        self.assertTrue(ns["agents"]["success"])
        self.assertIn("agents", ns["agents"]["data"])

    def test_pattern2_sdk(self) -> None:
        ns = run("int_sdk", W.common())
        self.assertIn(W.template, [a["id"] for a in ns["agents"].items])

    @unittest.skipUnless(HAS_FLASK, "the webhook examples are Flask apps; Flask is not installed")
    def test_pattern3_flask_handler_verifies_a_real_delivery(self) -> None:
        events: list = []
        ns = run("int_flask_webhook", namespace={"verify_webhook": verify_webhook, "WEBHOOK_SECRET": "your-webhook-secret", "handle_event": events.append})
        httpd, url = serve_flask(ns["app"])
        try:
            W.client().create_webhook(url, ["component.installed"], "your-webhook-secret")
            listing = W.fresh_skill_listing()
            W.client().install_skill(listing)
            W.s.wait_until(lambda: any(e["component_id"] == listing for e in events))
        finally:
            httpd.shutdown()
        event = next(e for e in events if e["component_id"] == listing)
        self.assertEqual((event["type"], event["component_type"], event["tenant_id"]), ("component.installed", "skill", W.me["id"]))
        client = ns["app"].test_client()
        self.assertEqual(client.post("/webhooks/atom", data=b"{}", headers={"X-Webhook-Signature": "0" * 64}).status_code, 401)

    def test_pattern4_federation_discovers_and_verifies(self) -> None:
        fed_key = self._federation_key("https://your-instance.fly.dev")
        ns = run("int_federation", [("https://atom-saas.fly.dev/api/federation", f"{W.url}/api/federation"), ("your-federation-key", fed_key), ("agent-123", W.template)])
        self.assertIn(W.template, [a["agent_id"] for a in ns["agents"]])
        self.assertEqual((ns["bundle"]["kind"], ns["bundle"]["listing"]["id"]), ("agent_template", W.template))

    def test_oauth_configuration_stored_and_read_back(self) -> None:
        expires = datetime.now() + timedelta(hours=1)
        ns = run("int_oauth_config", namespace={"marketplace": W.client(), "access_token": "at-123", "refresh_token": "rt-456",
                                                 "expiration_time": expires, "datetime": datetime})
        config = ns["config"]
        self.assertEqual((config["base_id"], config["has_refresh_token"], config["scopes"]), ("appXXXXXXXXXXXXXX", True, ["data.records:read", "data.records:write"]))
        self.assertLess(abs((config["token_expires_at"] - expires).total_seconds()), 1)
        self.assertNotIn("access_token", config, "tokens are never returned (docs/decisions.md)")

    @staticmethod
    def _federation_key(source: str) -> str:
        peer = W.s.ok("POST", "/api/federation/peers", {"name": source, "base_url": source}, admin=True)["data"]["peer"]
        return W.s.ok("POST", "/api/federation/keys", {"peer_id": peer["id"]}, admin=True)["data"]["key"]


class PythonIntegration(unittest.TestCase):
    def test_basic_setup_listing_publish_install(self) -> None:
        env = {"ATOM_BASE_URL": f"{W.url}/api", "ATOM_TENANT_ID": W.me["id"], "ATOM_API_TOKEN": W.me["key"], "ATOM_FEDERATION_URL": f"{W.url}/api/federation",
               "ATOM_FEDERATION_KEY": "fed-key", "ATOM_INSTANCE_URL": "https://b.example", "SALESFORCE_API_KEY": "sf-key"}
        ns = run("int_setup", env=env)
        self.assertIsInstance(ns["federation"], FederationClient)
        self.assertEqual(ns["marketplace"].transport.base_url, W.url)
        run("int_listing", namespace=ns)
        self.assertIn("Sales Automation Agent - Rating: 5", ns["_printed"])
        run("int_publish", [("my_sales_agent", W.s.agent(W.me["key"]))], namespace=ns)
        self.assertRegex(ns["_printed"][-2], r"^Published: mkt_")
        self.assertEqual(ns["_printed"][-1], "Status: pending_approval")
        run("int_install", [("sales_automation_agent", W.template), ("publisher-tenant-id", W.pub["id"]), ("your-tenant-id", W.me["id"])], env=env, namespace=ns)
        self.assertRegex(ns["_printed"][-1], r"^Installed: ati_")
        run("int_errors", [("install_agent(...)", 'install_agent(agent_id="mkt_gone")')], namespace=ns)
        self.assertEqual(ns["_printed"][-1], "Agent not found: mkt_gone")

    def test_async_gather(self) -> None:
        ns = run("int_async", [("AsyncMarketplaceClient(...)", f"AsyncMarketplaceClient({W.client_args()})")])
        self.assertRegex(ns["_printed"][0], r"^Found [1-9]\d* agents, [1-9]\d* skills, \d+ canvases$")

    def test_credentials_and_the_guides_verify_function(self) -> None:
        run("int_credentials", env={"ATOM_API_TOKEN": W.me["key"]})
        with self.assertRaises(ValueError):
            run("int_credentials", env={"ATOM_API_TOKEN": ""})
        seed = run("int_verify_webhook")["verify_webhook"]
        import hashlib
        import hmac
        body = '{"type":"component.installed"}'
        sig = hmac.new(b"s3cret-s3cret-s3cret", body.encode(), hashlib.sha256).hexdigest()
        self.assertEqual((seed(body, sig, "s3cret-s3cret-s3cret"), verify_webhook(body.encode(), sig, "s3cret-s3cret-s3cret")), (True, True))


class Workflows(unittest.TestCase):
    def test_workflow1_publish_wait_for_review_install(self) -> None:
        mine = W.s.agent(W.me["key"], name="Reviewed later")
        ns: dict = {}
        def reviewer_approves() -> None:
            W.s.approve_agent(ns["result"]["component_id"])
        clock = Time(reviewer_approves)
        ns.update(marketplace=W.client(), time=clock)
        run("int_workflow_publish_install", [("my_sales_agent", mine), ("publisher-tenant-id", W.me["id"]), ("your-tenant-id", W.me["id"])], namespace=ns)
        self.assertEqual(clock.waits, [60])
        self.assertEqual(ns["_printed"][1], "Status: pending_approval")
        self.assertRegex(ns["_printed"][2], r"^Installed: ati_")

    def test_workflow2_federation_between_instances(self) -> None:
        # One server plays both instances: it is registered as its own peer, so B's install verifies
        # A's bundle with the key A publishes, over HTTP, as between two servers.
        fed_key = Patterns._federation_key(W.url)
        b = W.s.tenant("team")
        shared = W.s.agent(W.pub["key"], name="Shared")
        text = source("int_workflow_federation", [
            ('tenant_id="tenant-a", ...', W.client_args(W.pub)),
            ('agent_id="shared_agent", ...', f'agent_id="{shared}", marketplace_type="public", name="Shared", description="Shared between instances"'),
            ("FederationClient(...)", f'FederationClient(base_url="{W.url}/api/federation", federation_key="{fed_key}", source_instance="{W.url}")'),
        ])
        part_a, part_b = text.split("# Instance B: Discover", 1)
        ns = run("int_workflow_federation", text=part_a, namespace={"MarketplaceClient": MarketplaceClient})
        # The reviewer approves A's listing between the two instances' steps.
        listing = next(a["id"] for a in W.client(W.pub).list_agents(marketplace_type="public", page_size=100) if a["agent_id"] == shared)
        W.s.approve_agent(listing)
        part_b = "# Instance B: Discover" + part_b.replace("== 'shared_agent'", f"== '{listing}'")
        run("int_workflow_federation", text=part_b, namespace={**ns, "FederationClient": FederationClient, "marketplace_b": W.client(b)})
        imported = W.s.ok("GET", "/api/federation/installs", key=b["key"])["items"]
        self.assertEqual([(i["origin_listing_id"], i["source_instance"], i["kind"]) for i in imported], [(listing, W.url, "agent_template")])

    @unittest.skipUnless(HAS_FLASK, "the webhook examples are Flask apps; Flask is not installed")
    def test_workflow3_event_driven(self) -> None:
        notes: list = []
        inventory: list = []
        ns = run("int_workflow_events", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})")],
                 namespace={"verify_webhook": verify_webhook, "WEBHOOK_SECRET": "your-webhook-secret", "send_notification": notes.append,
                            "update_inventory": lambda *a: inventory.append(a)})
        httpd, url = serve_flask(ns["app"])
        try:
            ns["client"].create_webhook(url, ["component.installed"], "your-webhook-secret")
            listing = W.fresh_skill_listing()
            ns["client"].install_skill(listing)
            W.s.wait_until(lambda: (listing, W.me["id"]) in inventory)
        finally:
            httpd.shutdown()
        self.assertIn(f"Agent {listing} installed by {W.me['id']}", notes)


class Testing(unittest.TestCase):
    @unittest.skipUnless(HAS_PYTEST, "the examples are pytest tests; pytest is not installed")
    def test_integration_and_e2e_examples(self) -> None:
        replace = [("https://atom-saas.fly.dev/api/test", f"{W.url}/api/test"), ("test-tenant-id", W.me["id"]), ("test-api-token", W.me["key"]), ("test-agent", W.template)]
        ns = run("int_pytest", replace)
        client = ns["client"].__wrapped__()
        ns["test_list_agents_integration"](client)
        ns["test_install_agent_integration"](client)
        # The E2E example finds its listing by the agent's id; ATOM lists it under the listing's own id
        # with the agent's id as `agent_id` (the one line changed here).
        agent = W.s.agent(W.me["key"], name="E2E", maturity_level="student")
        text = source("int_e2e", [("test-agent", agent), ("test-tenant-id", W.me["id"]), ('a["id"] ==', 'a["agent_id"] ==')])
        ns = run("int_e2e", text=text, namespace={"client": W.client()})
        ns["test_publish_to_install_workflow"]()
