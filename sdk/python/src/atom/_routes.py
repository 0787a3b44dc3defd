"""Every server route the SDK calls, with the path as the server's OpenAPI document writes it.

Clients call routes only through this table, so a test checks each one against the live
GET /api/openapi.json (tests/test_drift.py).
"""
from __future__ import annotations

ROUTES: dict[str, tuple[str, str]] = {
    # agent API (atom.AtomClient)
    "listAgents": ("GET", "/api/agents"),
    "createAgent": ("POST", "/api/agents"),
    "getAgent": ("GET", "/api/agents/{id}"),
    "updateAgent": ("PUT", "/api/agents/{id}"),
    "deleteAgent": ("DELETE", "/api/agents/{id}"),
    "executeAgent": ("POST", "/api/agents/{id}/execute"),
    "listExecutions": ("GET", "/api/agents/{id}/executions"),
    "getExecution": ("GET", "/api/agents/{id}/executions/{execution_id}"),
    "cancelExecution": ("POST", "/api/agents/{id}/executions/{execution_id}/cancel"),
    # skill marketplace
    "browseSkills": ("GET", "/api/skills/marketplace"),
    "listSkills": ("GET", "/api/skill-marketplace/skills"),
    "getSkill": ("GET", "/api/skills/{id}"),
    "publishSkill": ("POST", "/api/skills/publish"),
    "installSkill": ("POST", "/api/skills/install"),
    "rateSkill": ("POST", "/api/skills/rate/{id}"),
    # webhooks
    "createWebhook": ("POST", "/api/webhooks"),
    "listWebhooks": ("GET", "/api/webhooks"),
    "deleteWebhook": ("DELETE", "/api/webhooks/{id}"),
    # usage
    "getUsageStats": ("GET", "/api/usage"),
    # integrations
    "getIntegrationConfig": ("GET", "/api/integrations/{provider}/config"),
    "setIntegrationConfig": ("PUT", "/api/integrations/{provider}/config"),
    # agent marketplace
    "listMarketAgents": ("GET", "/api/agent-marketplace/agents"),
    "searchMarketAgents": ("GET", "/api/agent-marketplace/agents/search"),
    "getMarketAgent": ("GET", "/api/agent-marketplace/agents/{id}"),
    "publishAgent": ("POST", "/api/agent-marketplace/publish"),
    "installAgent": ("POST", "/api/agent-marketplace/install"),
    "bulkInstallAgents": ("POST", "/api/agent-marketplace/install/bulk"),
    "listInstallations": ("GET", "/api/agent-marketplace/installations"),
    "getPublicationStatus": ("GET", "/api/agent-marketplace/agents/{id}/status"),
    # canvas components
    "listCanvases": ("GET", "/api/canvas-marketplace/components"),
    "getCanvas": ("GET", "/api/canvas-marketplace/components/{id}"),
    "publishCanvas": ("POST", "/api/canvas-marketplace/components/publish"),
    "installCanvas": ("POST", "/api/canvas-marketplace/components/install"),
    "rateCanvas": ("POST", "/api/canvas-marketplace/components/{id}/rate"),
    # domains
    "searchDomains": ("GET", "/api/v1/domains/marketplace/search"),
    "getDomain": ("GET", "/api/v1/domains/marketplace/{id}"),
    "publishDomain": ("POST", "/api/v1/domains/marketplace/submit"),
    "installDomain": ("POST", "/api/v1/domains/marketplace/install"),
    "rateDomain": ("POST", "/api/v1/domains/marketplace/{id}/rate"),
    # federation
    "discoverAgents": ("GET", "/api/federation/v1/marketplace/agents"),
    "downloadAgentBundle": ("GET", "/api/federation/v1/marketplace/agents/{id}/bundle"),
    "installFromBundle": ("POST", "/api/federation/install"),
    "federationKeys": ("GET", "/.well-known/atom-federation.json"),
}
