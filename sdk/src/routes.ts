/**
 * Every server route the SDK calls, with the path as the server's OpenAPI document writes it.
 * Clients call routes only through this table, so a test can check each one against
 * GET /api/openapi.json (test/sdk/openapi.test.ts).
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Route {
  method: Method;
  path: string;
}

const r = (method: Method, path: string): Route => ({ method, path });

export const ROUTES = {
  // agent API (AtomClient)
  listAgents: r('GET', '/api/agents'),
  createAgent: r('POST', '/api/agents'),
  getAgent: r('GET', '/api/agents/{id}'),
  updateAgent: r('PUT', '/api/agents/{id}'),
  deleteAgent: r('DELETE', '/api/agents/{id}'),
  executeAgent: r('POST', '/api/agents/{id}/execute'),
  listExecutions: r('GET', '/api/agents/{id}/executions'),
  getExecution: r('GET', '/api/agents/{id}/executions/{execution_id}'),
  cancelExecution: r('POST', '/api/agents/{id}/executions/{execution_id}/cancel'),

  // skill marketplace
  browseSkills: r('GET', '/api/skills/marketplace'),
  listSkills: r('GET', '/api/skill-marketplace/skills'),
  getSkill: r('GET', '/api/skill-marketplace/skills/{id}'),
  publishSkill: r('POST', '/api/skills/publish'),
  installSkill: r('POST', '/api/skills/install'),
  rateSkill: r('POST', '/api/skills/rate/{id}'),

  // webhooks
  createWebhook: r('POST', '/api/webhooks'),
  listWebhooks: r('GET', '/api/webhooks'),
  deleteWebhook: r('DELETE', '/api/webhooks/{id}'),

  // usage against the plan (GET /api/usage)
  getUsageStats: r('GET', '/api/usage'),

  // integration settings and client-side OAuth tokens (integration guide)
  getIntegrationConfig: r('GET', '/api/integrations/{provider}/config'),
  setIntegrationConfig: r('PUT', '/api/integrations/{provider}/config'),

  // agent marketplace (agent templates)
  listMarketAgents: r('GET', '/api/agent-marketplace/agents'),
  searchMarketAgents: r('GET', '/api/agent-marketplace/agents/search'),
  getMarketAgent: r('GET', '/api/agent-marketplace/agents/{id}'),
  publishAgent: r('POST', '/api/agent-marketplace/publish'),
  installAgent: r('POST', '/api/agent-marketplace/install'),
  bulkInstallAgents: r('POST', '/api/agent-marketplace/install/bulk'),
  listInstallations: r('GET', '/api/agent-marketplace/installations'),
  getPublicationStatus: r('GET', '/api/agent-marketplace/agents/{id}/status'),

  // canvas component marketplace
  listCanvases: r('GET', '/api/canvas-marketplace/components'),
  getCanvas: r('GET', '/api/canvas-marketplace/components/{id}'),
  publishCanvas: r('POST', '/api/canvas-marketplace/components/publish'),
  installCanvas: r('POST', '/api/canvas-marketplace/components/install'),
  rateCanvas: r('POST', '/api/canvas-marketplace/components/{id}/rate'),

  // domain marketplace
  searchDomains: r('GET', '/api/v1/domains/marketplace/search'),
  getDomain: r('GET', '/api/v1/domains/marketplace/{id}'),
  publishDomain: r('POST', '/api/v1/domains/marketplace/submit'),
  installDomain: r('POST', '/api/v1/domains/marketplace/install'),
  rateDomain: r('POST', '/api/v1/domains/marketplace/{id}/rate'),

  // federation
  discoverAgents: r('GET', '/api/federation/v1/marketplace/agents'),
  downloadAgentBundle: r('GET', '/api/federation/v1/marketplace/agents/{id}/bundle'),
  installFromBundle: r('POST', '/api/federation/install'),
} as const satisfies Record<string, Route>;

export type RouteName = keyof typeof ROUTES;
