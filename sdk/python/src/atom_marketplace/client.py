"""``MarketplaceClient``: agents, skills, canvases and domains (publish → review → install → rate),
webhooks, installations, usage and integration settings, with the method names of the developer and
integration guides. Results are :class:`atom.Record` (``r["status"]`` and ``r.status``); lists are
:class:`atom.Page` (a list with ``.items``, ``.total``, ``.has_more``)."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from atom._records import Page, Record, to_page, wrap
from atom._transport import Transport
from atom.errors import MarketplaceError

from ._integrations import config_body, config_view


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def list_query(page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> dict[str, Any]:
    """page/page_size (the guides) → every paging form the kinds accept (page, page_size, limit, offset)."""
    q = _clean(filters)
    if page_size is not None:
        q["limit"] = q["page_size"] = page_size
    if page is not None:
        q["page"] = page
        q.setdefault("offset", (page - 1) * (page_size or q.get("limit") or 20))
    return q


def with_ids(r: Any) -> Record:
    """Adds the guides' ``component_id`` / ``installation_id`` to whichever id the kind's route answers."""
    rec = wrap(r if isinstance(r, dict) else {"result": r})
    cid = next((rec.get(k) for k in ("component_id", "marketplace_id", "template_id", "domain_id", "skill_id", "agent_id", "id") if rec.get(k)), None)
    if cid is not None:
        rec.setdefault("component_id", cid)
    iid = rec.get("installation_id") or rec.get("install_id")
    if iid is not None:
        rec["installation_id"] = iid
    return rec


class MarketplaceClient:
    """``MarketplaceClient(base_url="https://host/api", tenant_id=…, api_token=…)`` or ``(api_key=…)``.
    ``base_url`` defaults to ``ATOM_BASE_URL`` / ``ATOM_URL``; ``tenant_id`` is sent as ``X-Tenant-ID``
    (refused unless it is the credential's tenant). Other keyword arguments go to the transport
    (``timeout``, ``max_retries``, ``retry_delay``, ``max_retry_delay``, ``admin_key``, ``headers``)."""

    def __init__(self, base_url: Optional[str] = None, tenant_id: Optional[str] = None, api_token: Optional[str] = None,
                 api_key: Optional[str] = None, **options: Any) -> None:
        self.transport = Transport(base_url, tenant_id=tenant_id, api_token=api_token, api_key=api_key, **options)
        self.skills = SkillsResource(self)

    def _call(self, route: str, **kw: Any) -> Any:
        return self.transport.call(route, **kw)

    def _page(self, route: str, page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> Page:
        return to_page(self._call(route, query=list_query(page, page_size, **filters)))

    # ---- agents (agent templates)
    def list_agents(self, marketplace_type: Optional[str] = None, capability: Optional[str] = None, min_rating: Optional[float] = None,
                    page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> Page:
        return self._page("listMarketAgents", page, page_size, marketplace_type=marketplace_type, capability=capability, min_rating=min_rating, **filters)

    def search_agents(self, query: str, **filters: Any) -> Page:
        return self._page("searchMarketAgents", query=query, **filters)

    def get_agent(self, agent_id: str) -> Record:
        r = wrap(self._call("getMarketAgent", params={"id": agent_id}))
        return r.get("agent") or r.get("template") or r

    def publish_agent(self, agent_id: str, marketplace_type: str = "private", name: Optional[str] = None, description: Optional[str] = None,
                      capabilities: Optional[list[str]] = None, maturity_level: Optional[str] = None, pricing_tier: Optional[str] = None,
                      tags: Optional[list[str]] = None, documentation_url: Optional[str] = None, **extra: Any) -> Record:
        """Private listings are published at once; public ones wait for review (``status: pending_approval``)."""
        body = _clean({"agent_id": agent_id, "marketplace_type": marketplace_type, "name": name, "description": description, "capabilities": capabilities,
                       "maturity_level": maturity_level, "pricing_tier": pricing_tier, "tags": tags, "documentation_url": documentation_url, **extra})
        return with_ids(self._call("publishAgent", body=body))

    def install_agent(self, agent_id: str, source_tenant_id: Optional[str] = None, target_tenant_id: Optional[str] = None,
                      install_config: Optional[dict[str, Any]] = None, **extra: Any) -> Record:
        """``agent_id`` is the listing's id or the published agent's; answers ``installation_id`` and ``status``."""
        body = _clean({"agent_id": agent_id, "source_tenant_id": source_tenant_id, "target_tenant_id": target_tenant_id, "install_config": install_config, **extra})
        return with_ids(self._call("installAgent", body=body, params=None))

    def bulk_install_agents(self, agent_ids: Iterable[str], source_tenant_id: Optional[str] = None, target_tenant_id: Optional[str] = None,
                            install_config: Optional[dict[str, Any]] = None, **extra: Any) -> Record:
        """One server call; one result per id (``{agent_id, status, installation_id, error}``)."""
        body = _clean({"agent_ids": list(agent_ids), "source_tenant_id": source_tenant_id, "target_tenant_id": target_tenant_id, "install_config": install_config, **extra})
        r = wrap(self._call("bulkInstallAgents", body=body))
        r.setdefault("succeeded", r.get("installed"))
        return r

    def list_installations(self, page: Optional[int] = None, page_size: Optional[int] = None) -> Page:
        return self._page("listInstallations", page, page_size)

    def get_publication_status(self, component_id: str) -> Record:
        """``pending_approval``, ``published`` or ``rejected`` (publisher only)."""
        return wrap(self._call("getPublicationStatus", params={"id": component_id}))

    # ---- skills
    def list_skills(self, page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> Page:
        return self._page("listSkills", page, page_size, **filters)

    def get_skill(self, skill_id: str) -> Record:
        """The listing with its ``config_schema``."""
        return wrap(self._call("getSkill", params={"id": skill_id})["skill"])

    def publish_skill(self, skill_id: str, marketplace_type: str = "public", action: Optional[str] = None, **extra: Any) -> Record:
        """Publishes one of your private skills; ``action`` is its governance action (see GET /api/governance/actions),
        required unless the private skill declares one."""
        body = _clean({"skill_id": skill_id, "action": action, **{k: v for k, v in extra.items() if k in _SKILL_PUBLISH}})
        return with_ids(self._call("publishSkill", body=body))

    def install_skill(self, skill_id: str, source_tenant_id: Optional[str] = None, target_tenant_id: Optional[str] = None,
                      agent_id: Optional[str] = None, config_overrides: Optional[dict[str, Any]] = None) -> Record:
        """Answers ``skill_id`` (the install's ``ins_`` id, usable wherever the listing id is) and ``status``."""
        r = with_ids(self._call("installSkill", body=_clean({"skill_id": skill_id, "agent_id": agent_id, "config_overrides": config_overrides})))
        r["installation_id"] = r.get("skill_id")
        return r

    def bulk_install_skills(self, skill_ids: Iterable[str], source_tenant_id: Optional[str] = None, target_tenant_id: Optional[str] = None,
                            agent_id: Optional[str] = None, config_overrides: Optional[dict[str, Any]] = None) -> Record:
        """Installs each skill; one failure does not stop the others: ``{results, succeeded, failed}``."""
        results = []
        for sid in skill_ids:
            try:
                results.append(Record(id=sid, ok=True, result=self.install_skill(sid, agent_id=agent_id, config_overrides=config_overrides)))
            except MarketplaceError as err:
                results.append(Record(id=sid, ok=False, error=err))
        ok = sum(1 for r in results if r["ok"])
        return Record(results=results, succeeded=ok, failed=len(results) - ok)

    def rate_skill(self, skill_id: str, rating: int, review: Optional[str] = None) -> Record:
        """A second rating by the same rater replaces the first."""
        return wrap(self._call("rateSkill", params={"id": skill_id}, body=_clean({"rating": rating, "review": review})))

    # ---- canvas components
    def list_canvases(self, page: Optional[int] = None, page_size: Optional[int] = None, **filters: Any) -> Page:
        return self._page("listCanvases", page, page_size, **filters)

    def get_canvas(self, component_id: str) -> Record:
        return wrap(self._call("getCanvas", params={"id": component_id}))

    def publish_canvas(self, canvas_id: str, marketplace_type: Optional[str] = None, price: Optional[float] = None,
                       license: Optional[str] = None, tags: Optional[list[str]] = None, **_extra: Any) -> Record:
        """``canvas_id`` is your canvas component's id; other fields of the guide are the component's own."""
        body = _clean({"component_id": canvas_id, "marketplace_type": marketplace_type, "price": price, "license": license, "tags": tags})
        return with_ids(self._call("publishCanvas", body=body))

    def install_canvas(self, canvas_id: str, source_tenant_id: Optional[str] = None, target_tenant_id: Optional[str] = None,
                       target_canvas_id: Optional[str] = None, config: Optional[dict[str, Any]] = None) -> Record:
        """Installs the marketplace component ``canvas_id`` into your canvas ``target_canvas_id``."""
        body = _clean({"component_id": canvas_id, "canvas_id": target_canvas_id, "config": config})
        return with_ids(self._call("installCanvas", body=body))

    def rate_canvas(self, component_id: str, rating: int, review: Optional[str] = None) -> Record:
        return wrap(self._call("rateCanvas", params={"id": component_id}, body=_clean({"rating": rating, "review": review})))

    # ---- domains
    def list_domains(self, query: Optional[str] = None, **filters: Any) -> Page:
        return self._page("searchDomains", q=query, **filters)

    def get_domain(self, domain_id: str) -> Record:
        return wrap(self._call("getDomain", params={"id": domain_id}))

    def publish_domain(self, domain_id: str, price_usd: Optional[float] = None, license_type: Optional[str] = None,
                       tags: Optional[list[str]] = None, **_extra: Any) -> Record:
        body = _clean({"domain_id": domain_id, "price_usd": price_usd, "license_type": license_type, "tags": tags})
        return with_ids(self._call("publishDomain", body=body))

    def install_domain(self, domain_id: str, custom_name: Optional[str] = None) -> Record:
        return with_ids(self._call("installDomain", body=_clean({"template_domain_id": domain_id, "custom_name": custom_name})))

    def rate_domain(self, domain_id: str, rating: float, review: Optional[str] = None) -> Record:
        return wrap(self._call("rateDomain", params={"id": domain_id}, body=_clean({"rating": rating, "review": review})))

    # ---- federation install
    def install_from_bundle(self, bundle: dict[str, Any], source_instance: Optional[str] = None, peer_id: Optional[str] = None) -> Record:
        """Installs an agent template (or skill) from a bundle downloaded from a registered peer
        (``atom_federation.FederationClient.download_agent_bundle``); this server verifies it again."""
        body = _clean({"bundle": bundle, "source_instance": source_instance or bundle.get("source_instance"), "peer_id": peer_id})
        return with_ids(self._call("installFromBundle", body=body))

    # ---- webhooks, usage, integrations
    def create_webhook(self, url: str, events: list[str], secret: Optional[str] = None, description: Optional[str] = None) -> Record:
        """The webhook plus its ``secret`` (shown only now: yours, or a generated ``whsec_…``)."""
        r = wrap(self._call("createWebhook", body=_clean({"url": url, "events": events, "secret": secret, "description": description})))
        return Record({**r["webhook"], "secret": r["secret"]})

    def list_webhooks(self, page: Optional[int] = None, limit: Optional[int] = None) -> Page:
        return to_page(self._call("listWebhooks", query={"page": page, "limit": limit}))

    def delete_webhook(self, webhook_id: str) -> Record:
        return wrap(self._call("deleteWebhook", params={"id": webhook_id}))

    def get_usage_stats(self, days: Optional[int] = None) -> Record:
        """Plan, quotas, ``rate_limit_remaining``, model tokens and history (GET /api/usage)."""
        return wrap(self._call("getUsageStats", query={"days": days}))

    def get_integration_config(self, integration_id: str) -> Record:
        """Settings and token metadata of a provider (tokens themselves are never returned)."""
        return config_view(self._call("getIntegrationConfig", params={"provider": integration_id})["integration"])

    def set_integration_config(self, integration_id: str, config: dict[str, Any]) -> Record:
        """Stores tokens from a client-side OAuth flow (encrypted) and settings (every other key)."""
        r = self._call("setIntegrationConfig", params={"provider": integration_id}, body=config_body(config))
        return config_view(r["integration"])


_SKILL_PUBLISH = ("price", "category", "tags", "long_description", "documentation_url", "license", "draft")


class SkillsResource:
    """``client.skills.browse/install/rate/publish/get`` (marketplace API seed, Python SDK)."""

    def __init__(self, m: MarketplaceClient) -> None:
        self._m = m

    def browse(self, category: Optional[str] = None, query: Optional[str] = None, limit: Optional[int] = None,
               offset: Optional[int] = None, **filters: Any) -> Page:
        q = _clean({"category": category, "query": query, "limit": limit, "offset": offset, **filters})
        return to_page(self._m.transport.call("browseSkills", query=q))

    def install(self, skill_id: str, agent_id: Optional[str] = None, config_overrides: Optional[dict[str, Any]] = None) -> Record:
        return self._m.install_skill(skill_id, agent_id=agent_id, config_overrides=config_overrides)

    def rate(self, skill_id: str, rating: int, review: Optional[str] = None) -> Record:
        return self._m.rate_skill(skill_id, rating, review)

    def publish(self, skill_id: str, **options: Any) -> Record:
        return self._m.publish_skill(skill_id, **options)

    def get(self, skill_id: str) -> Record:
        return self._m.get_skill(skill_id)
