import {
  type Component,
  type InstallAgentOptions,
  type InstallResult,
  type ListOptions,
  MarketplaceBase,
  type PublishAgentOptions,
  type PublishResult,
  snakeKeys,
  withIds,
} from './marketplace-base.js';
import { type Page, paginate } from './pagination.js';
import { ROUTES } from './routes.js';

type Extra = Record<string, unknown>;

export interface AgentBulkResult {
  success: boolean;
  results: Array<{
    agentId: string;
    templateId: string | null;
    status: string;
    installationId: string | null;
    installedAgentId: string | null;
    created: boolean;
    error: { code: string; message: string; details?: unknown } | null;
  }>;
  total: number;
  installed: number;
  failed: number;
  /** Same as `installed`. */
  succeeded: number;
}

/**
 * The agent-template, canvas-component and domain marketplaces, with the paths and bodies of the
 * marketplace API seed (`/api/agent-marketplace`, `/api/canvas-marketplace`,
 * `/api/v1/domains/marketplace`).
 */
export class MarketplaceKinds extends MarketplaceBase {
  // ---- agents
  /** `{marketplaceType, capability, minRating, page, pageSize}`; the answer is a `Page` (array + `items`). */
  listAgents(options: ListOptions = {}): Promise<Page<Component>> {
    return this.list(ROUTES.listMarketAgents, options);
  }

  iterateAgents(options: Omit<ListOptions, 'page' | 'offset'> = {}): AsyncGenerator<Component> {
    return paginate((page) => this.listAgents({ pageSize: 100, ...options, page }));
  }

  searchAgents(query: string, options: ListOptions = {}): Promise<Page<Component>> {
    return this.list(ROUTES.searchMarketAgents, { ...options, query });
  }

  async getAgent(agentId: string): Promise<Component> {
    const r = await this.camel<Record<string, unknown>>(ROUTES.getMarketAgent, { params: { id: agentId } });
    return (r.agent ?? r.template ?? r) as Component;
  }

  async publishAgent(options: PublishAgentOptions): Promise<PublishResult> {
    return withIds(await this.camel<Record<string, unknown>>(ROUTES.publishAgent, { body: snakeKeys(options) }));
  }

  /**
   * Both forms of the guides: `installAgent('agent-123', 'target-tenant-id')`,
   * `installAgent(agentId, {installConfig})` and `installAgent({agentId, sourceTenantId, targetTenantId, installConfig})`.
   */
  async installAgent(
    agent: string | InstallAgentOptions,
    target?: string | Omit<InstallAgentOptions, 'agentId'>,
  ): Promise<InstallResult> {
    const base: InstallAgentOptions = typeof agent === 'string' ? { agentId: agent } : agent;
    const more = typeof target === 'string' ? { targetTenantId: target } : (target ?? {});
    return withIds(
      await this.camel<Record<string, unknown>>(ROUTES.installAgent, { body: snakeKeys({ ...base, ...more }) }),
    );
  }

  /**
   * POST /install/bulk: one server call, one result per id (`{agentId, status, installationId,
   * error}`); `installed` and `failed` count them. A failed item does not stop the others.
   */
  async bulkInstallAgents(
    agentIds: string[],
    options: Omit<InstallAgentOptions, 'agentId'> = {},
  ): Promise<AgentBulkResult> {
    const r = await this.camel<AgentBulkResult>(ROUTES.bulkInstallAgents, {
      body: snakeKeys({ agentIds, ...options }),
    });
    return { ...r, succeeded: r.installed };
  }

  /** This tenant's installed agent templates (`{id, templateId, installedAgentId, sourceTenantId, status, …}`). */
  listInstallations(
    options: { limit?: number; offset?: number; pageSize?: number; page?: number } = {},
  ): Promise<Page<Component>> {
    return this.list(ROUTES.listInstallations, options);
  }

  iterateInstallations(options: { pageSize?: number } = {}): AsyncGenerator<Component> {
    return paginate((page) => this.listInstallations({ pageSize: 100, ...options, page }));
  }

  /** Review status of an agent you published (publisher only): `pending_approval`, `published`, `rejected`. */
  getPublicationStatus(componentId: string): Promise<Component & { status: string }> {
    return this.camel(ROUTES.getPublicationStatus, { params: { id: componentId } });
  }

  // ---- canvas components
  listCanvases(options: ListOptions = {}): Promise<Page<Component>> {
    return this.list(ROUTES.listCanvases, options);
  }

  getCanvas(componentId: string): Promise<Component> {
    return this.camel(ROUTES.getCanvas, { params: { id: componentId } });
  }

  /** `{componentId (or canvasId), price, license, tags, …}`. */
  async publishCanvas(options: { componentId?: string; canvasId?: string } & Extra): Promise<PublishResult> {
    const { canvasId, componentId, ...rest } = options;
    return withIds(
      await this.camel<Record<string, unknown>>(ROUTES.publishCanvas, {
        body: snakeKeys({ componentId: componentId ?? canvasId, ...rest }),
      }),
    );
  }

  /** `installCanvas(componentId, {canvasId})` or `installCanvas({componentId, canvasId})`. */
  async installCanvas(
    component: string | ({ componentId: string } & Extra),
    options: Extra = {},
  ): Promise<InstallResult> {
    const body = typeof component === 'string' ? { componentId: component, ...options } : { ...component, ...options };
    return withIds(await this.camel<Record<string, unknown>>(ROUTES.installCanvas, { body: snakeKeys(body) }));
  }

  rateCanvas(componentId: string, rating: number, review?: string): Promise<Component> {
    return this.camel(ROUTES.rateCanvas, { params: { id: componentId }, body: { rating, review } });
  }

  // ---- domains
  /** GET /api/v1/domains/marketplace/search: `{q | query, category, tags, maxPrice, limit}`. */
  listDomains(options: ListOptions & { q?: string; maxPrice?: number } = {}): Promise<Page<Component>> {
    const { query, ...rest } = options;
    return this.list(ROUTES.searchDomains, { ...rest, ...(query !== undefined ? { q: query } : {}) });
  }

  getDomain(domainId: string): Promise<Component> {
    return this.camel(ROUTES.getDomain, { params: { id: domainId } });
  }

  /** `{domainId, priceUsd, licenseType, tags, …}` → POST /submit. */
  async publishDomain(options: { domainId: string } & Extra): Promise<PublishResult> {
    return withIds(await this.camel<Record<string, unknown>>(ROUTES.publishDomain, { body: snakeKeys(options) }));
  }

  /** `installDomain(domainId, {customName})` or `installDomain({templateDomainId | domainId, customName})`. */
  async installDomain(
    domain: string | ({ domainId?: string; templateDomainId?: string } & Extra),
    options: Extra = {},
  ): Promise<InstallResult> {
    const o = typeof domain === 'string' ? { templateDomainId: domain, ...options } : { ...domain, ...options };
    const { domainId, templateDomainId, ...rest } = o as { domainId?: string; templateDomainId?: string } & Extra;
    return withIds(
      await this.camel<Record<string, unknown>>(ROUTES.installDomain, {
        body: snakeKeys({ templateDomainId: templateDomainId ?? domainId, ...rest }),
      }),
    );
  }

  /** Ratings 1–5 in half stars. */
  rateDomain(domainId: string, rating: number, review?: string): Promise<Component> {
    return this.camel(ROUTES.rateDomain, { params: { id: domainId }, body: { rating, review } });
  }
}
