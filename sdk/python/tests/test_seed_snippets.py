"""The developer guide's, api-overview's, agent API's and marketplace API's Python examples, run
against a real server (tests/seed_snippets/, see its README)."""
import unittest

from atom import Page, verify_webhook
from atom_marketplace import MarketplaceClient
from atom_marketplace.errors import RateLimitError

from ._fixtures import World
from ._scripted import Scripted, envelope
from ._snippets import run, source

W: World


def setUpModule() -> None:
    global W
    W = World()


class AgentApi(unittest.TestCase):
    def test_agent_api_list_create_execute(self) -> None:
        W.s.private_skill(W.me["key"])  # something the task "Search for AI papers" can run
        ns = run("agent_api", [("your_api_key", W.me["key"])], env={"ATOM_BASE_URL": W.url})
        self.assertIsInstance(ns["agents"], Page)
        self.assertEqual((ns["agent"].name, ns["agent"]["maturity_level"]), ("Research Assistant", "student"))
        self.assertEqual(ns["result"].status, "completed", ns["result"])
        self.assertEqual(ns["result"]["agent_id"], ns["agent"].id)
        again = ns["client"].executions.get(ns["agent"].id, ns["result"].execution_id)
        self.assertEqual((again.status, again.execution_id), ("completed", ns["result"].execution_id))
        # An execution answered in progress (async) is followed by polling its poll_url until it ends.
        client, agent_id = ns["client"], ns["agent"].id
        started = client.agents.execute(agent_id, task="Search for AI papers", parameters={"async": True}, wait=False)
        self.assertIn(started.status, ("pending", "in_progress"))
        polled = client.agents.execute(agent_id, task="Search for AI papers", parameters={"async": True}, poll_interval=0.05)
        self.assertEqual(polled.status, "completed", polled)
        self.assertEqual(ns["client"].agents.update(ns["agent"].id, configuration={"temperature": 0.2}).configuration, {"temperature": 0.2})
        self.assertEqual(ns["client"].agents.delete(ns["agent"].id)["deleted"], True)

    def test_api_overview_create_without_maturity_level(self) -> None:
        ns = run("api_overview", [("your_api_key", W.me["key"])], env={"ATOM_BASE_URL": f"{W.url}/api"})
        self.assertEqual((ns["agent"].name, ns["agent"].maturity_level), ("My Agent", "student"))
        self.assertIsNotNone(ns["agents"].pagination)


class DeveloperGuide(unittest.TestCase):
    def test_client_lists_and_installs(self) -> None:
        ns = run("dev_client", W.common() + [("agent-123", W.template)])
        self.assertIn(W.template, [a["id"] for a in ns["agents"]])
        self.assertEqual(W.client().list_installations()[0]["template_id"], W.template)

    def test_publish_agent_skill_domain(self) -> None:
        mine = W.s.agent(W.me["key"])
        ns = run("dev_publish_agent", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})"), ("atom_main", mine)])
        self.assertEqual(ns["result"]["status"], "pending_approval")
        self.assertTrue(ns["result"]["component_id"].startswith("mkt_"))
        skill = W.s.private_skill(W.me["key"], action="read")
        ns = run("dev_publish_skill", [("salesforce_integration", skill)], namespace={"client": W.client()})
        self.assertEqual(ns["result"]["status"], "pending_approval")
        domain = W.s.ok("POST", "/api/v1/domains", {"name": "Sales Knowledge Base", "category": "sales"}, key=W.me["key"])["domain"]["domain_id"]
        ns = run("dev_publish_domain", [("sales_knowledge", domain)], namespace={"client": W.client()})
        self.assertEqual((ns["result"]["status"], ns["result"]["component_id"]), ("pending_approval", domain))

    def test_install_agent_with_config_and_install_skill(self) -> None:
        ns = run("dev_install_agent", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})"), ("sales_automation_agent", W.template),
                                       ("publisher-tenant-id", W.pub["id"]), ("your-tenant-id", W.me["id"])])
        self.assertEqual(ns["result"]["status"], "installed")
        self.assertTrue(ns["result"]["installation_id"].startswith("ati_"))
        ns = run("dev_install_skill", [("salesforce_integration", W.skill_listing), ("publisher-tenant-id", W.pub["id"]), ("your-tenant-id", W.me["id"])],
                 namespace={"client": W.client()})
        self.assertEqual(ns["result"]["status"], "installed")
        self.assertTrue(ns["result"]["installation_id"].startswith("ins_"))

    def test_rate_limit_loop_catches_the_sdk_error_and_waits_retry_after(self) -> None:
        s = Scripted(lambda seen, n: (429, {"retry-after": "1"}, envelope("RATE_LIMIT_EXCEEDED", "slow", {"retry_after": 1}), 0) if n == 1
                     else (200, {}, {"items": [{"id": "mkt_1"}], "total": 1}, 0))
        try:
            ns = run("dev_rate_limit", [("MarketplaceClient(...)", f'MarketplaceClient(base_url="{s.url}/api", max_retries=0)')],
                     namespace={"RateLimitError": RateLimitError})
            self.assertEqual(ns["_printed"], ["Rate limited. Retrying after 1.0s"])
            self.assertEqual(ns["result"][0]["id"], "mkt_1")
            self.assertGreaterEqual(s.seen[1]["at"] - s.seen[0]["at"], 0.95)
        finally:
            s.close()

    def test_pagination_cache_and_bulk(self) -> None:
        ns = run("dev_pagination", namespace={"client": W.client()})
        self.assertIn(W.template, [a["id"] for a in ns["all_agents"]])
        self.assertEqual(ns["page"], 1)
        ns = run("dev_cache", namespace={"client": W.client()})
        first = ns["get_agent_details"](W.template)
        self.assertIs(ns["get_agent_details"](W.template), first)
        self.assertEqual(first["name"], "Sales Automation Agent")
        # The guide elides the other arguments with `...`; the SDK ignores the source tenant it fills.
        ns = run("dev_bulk", namespace={"client": W.client(), "skill_ids": [W.skill_listing]})
        bulk = W.client().bulk_install_skills([W.skill_listing, "mkt_missing"])
        self.assertEqual((bulk["succeeded"], bulk["failed"], bulk["results"][1]["error"].code), (1, 1, "SKILL_NOT_FOUND"))

    def test_usage_stats(self) -> None:
        ns = run("dev_usage", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})")])
        self.assertRegex(ns["_printed"][0], r"^API calls remaining: \d+$")
        # Bytes of the tenant's stored rows; no plan limits storage, so the limit is None.
        self.assertRegex(ns["_printed"][1], r"^Storage used: [1-9]\d*/None$")

    def test_error_handling_example(self) -> None:
        ns = run("dev_errors", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})"), ("install_agent(...)", 'install_agent(agent_id="mkt_nope")')])
        self.assertEqual(ns["_printed"], ["Component not found: mkt_nope"])
        viewer = W.s.ok("POST", "/api/api-keys", {"name": "ro", "scope": "read"}, key=W.me["key"])["data"]["key"]
        ns = run("dev_errors", [("MarketplaceClient(...)", f'MarketplaceClient(base_url="{W.url}/api", api_key="{viewer}")'),
                                ("install_agent(...)", f'install_agent(agent_id="{W.template}")')])
        self.assertRegex(ns["_printed"][0], r"^Insufficient permissions: ")

    def test_pytest_examples(self) -> None:
        ns = run("dev_pytest", [("https://atom-saas.fly.dev/api/test", f"{W.url}/api/test"), ("test-tenant-id", W.me["id"]),
                                ("test-api-token", W.me["key"]), ("test-agent", W.template)])
        client = ns["client"].__wrapped__()
        ns["test_list_agents"](client)
        ns["test_install_agent"](client)

    def test_webhook_and_the_guides_verify_function(self) -> None:
        from ._receiver import Receiver
        with Receiver() as receiver:
            ns = run("dev_create_webhook", [("MarketplaceClient(...)", f"MarketplaceClient({W.client_args()})"),
                                            ("https://your-app.com/webhooks/marketplace", receiver.url)])
            self.assertEqual(ns["webhook"]["events"], ["component.installed", "component.updated", "component.rated"])
            W.client().install_skill(W.fresh_skill_listing())
            body, headers = receiver.wait_for(lambda e: e["type"] == "component.installed")
        seed = run("dev_verify_webhook")["verify_webhook"]
        sig = headers["x-webhook-signature"]
        self.assertTrue(seed(body.decode(), sig, "your-webhook-secret"))
        self.assertTrue(verify_webhook(body, sig, "your-webhook-secret"), "bytes, as Flask's request.get_data() gives")
        self.assertTrue(verify_webhook(body.decode(), sig, "your-webhook-secret"))
        self.assertTrue(verify_webhook(body, headers, "your-webhook-secret"), "Standard Webhooks headers")
        forged = ("b" if sig[0] == "a" else "a") + sig[1:]
        self.assertFalse(seed(body.decode(), forged, "your-webhook-secret"))
        self.assertFalse(verify_webhook(body, forged, "your-webhook-secret"))
        self.assertFalse(verify_webhook(body + b" ", headers, "your-webhook-secret"))


class MarketplaceApi(unittest.TestCase):
    def test_atom_saas_skills_browse_install_rate(self) -> None:
        agent = W.s.agent(W.me["key"], maturity_level="intern")
        ns = run("market_sdk", [("sk-your-key", W.me["key"]), ("skill-uuid-123", W.skill_listing), ("agent-uuid-456", agent)],
                 env={"ATOM_BASE_URL": f"{W.url}/api"})
        self.assertIsInstance(ns["skills"], Page)
        self.assertEqual(ns["result"]["status"], "installed")
        self.assertEqual(MarketplaceClient(base_url=W.url, api_key=W.me["key"]).get_skill(W.skill_listing)["rating"], 5)
        self.assertIn("skills.rate", source("market_sdk").replace("client.skills.rate", "skills.rate"))
