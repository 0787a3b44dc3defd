"""Shared setup of the seed-snippet tests: tenants, a published agent and skill, placeholders."""
from __future__ import annotations

from typing import Any

from ._server import Server, server


class World:
    """Me (an enterprise tenant), a publisher (team) with an approved public agent template and
    an approved public skill, and the placeholder replacements the snippets share."""

    def __init__(self) -> None:
        s: Server = server()
        self.s = s
        self.url = s.url
        self.me = s.tenant("enterprise")
        self.pub = s.tenant("team")
        self.pub_agent = s.agent(self.pub["key"], name="Sales Automation")
        r = s.ok("POST", "/api/agent-marketplace/publish", {"agent_id": self.pub_agent, "marketplace_type": "public", "name": "Sales Automation Agent",
                                                             "description": "Sales outreach", "capabilities": ["sales"], "maturity_level": "supervised"}, key=self.pub["key"])
        self.template = r["component_id"]
        s.approve_agent(self.template)
        # A rating of 5 so the guides' min_rating=4.0 filters find it.
        s.ok("POST", f"/api/agent-marketplace/agents/{self.template}/rate", {"rating": 5}, key=self.me["key"])
        skill = s.private_skill(self.pub["key"], name="Salesforce Integration", description="Bi-directional Salesforce sync", action="read")
        listing = s.ok("POST", "/api/skills/publish", {"skill_id": skill}, key=self.pub["key"])["marketplace_id"]
        s.ok("POST", f"/api/skills/approve/{listing}", admin=True)
        self.skill_listing = listing

    def fresh_skill_listing(self, **fields: Any) -> str:
        """Another approved public skill of the publisher, not yet installed anywhere."""
        skill = self.s.private_skill(self.pub["key"], action="read", **fields)
        listing = self.s.ok("POST", "/api/skills/publish", {"skill_id": skill}, key=self.pub["key"])["marketplace_id"]
        self.s.ok("POST", f"/api/skills/approve/{listing}", admin=True)
        return listing

    def client_args(self, tenant: dict[str, str] | None = None) -> str:
        t = tenant or self.me
        return f'base_url="{self.url}/api", tenant_id="{t["id"]}", api_token="{t["key"]}"'

    def common(self, tenant: dict[str, str] | None = None) -> list[tuple[str, str]]:
        t = tenant or self.me
        return [("https://atom-saas.fly.dev/api", f"{self.url}/api"), ("your-tenant-id", t["id"]), ("your-api-token", t["key"])]

    def client(self, tenant: dict[str, str] | None = None) -> Any:
        from atom_marketplace import MarketplaceClient
        t = tenant or self.me
        return MarketplaceClient(base_url=f"{self.url}/api", tenant_id=t["id"], api_token=t["key"])
