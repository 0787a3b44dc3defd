import {
  MarketplaceBase, bulk, snakeKeys, withIds,
  type BulkInstallResult, type Component, type InstallAgentOptions, type InstallResult, type ListOptions, type PublishAgentOptions, type PublishResult,
} from './marketplace-base.js';
import { Page, paginate } from './pagination.js';
import { ROUTES } from './routes.js';

type Extra = Record<string, unknown>;

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
    const r = await this.camel<Record<string, any>>(ROUTES.getMarketAgent, { params: { id: agentId } });
    return (r.agent ?? r.template ?? r) as Component;
  }

  async publishAgent(options: PublishAgentOptions): Promise<PublishResult> {
    return withIds(await this.camel<Record<string, any>>(ROUTES.publishAgent, { body: snakeKeys(options) }));
  }

  /**
   * Both forms of the guides: `installAgent('agent-123', 'target-tenant-id')`,
   * `installAgent(agentId, {installConfig})` and `installAgent({agentId, sourceTenantId, targetTenantId, installConfig})`.
   */
  async installAgent(agent: string | InstallAgentOptions, target?: string | Omit<InstallAgentOptions, 'agentId'>): Promise<InstallResult> {
    const base: InstallAgentOptions = typeof agent === 'string' ? { agentId: agent } : agent;
    const more = typeof target === 'string' ? { targetTenantId: target } : target ?? {};
    return withIds(await this.camel<Record<string, any>>(ROUTES.installAgent, { body: snakeKeys({ ...base, ...more }) }));
  }

  bulkInstallAgents(agentIds: string[], options: Omit<InstallAgentOptions, 'agentId'> & { concurrency?: number } = {}): Promise<BulkInstallResult> {
    const { concurrency, ...rest } = options;
    return bulk(agentIds, (id) => this.installAgent(id, rest), concurrency);
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
    return withIds(await this.camel<Record<string, any>>(ROUTES.publishCanvas, { body: snakeKeys({ componentId: componentId ?? canvasId, ...rest }) }));
  }

  /** `installCanvas(componentId, {canvasId})` or `installCanvas({componentId, canvasId})`. */
  async installCanvas(component: string | ({ componentId: string } & Extra), options: Extra = {}): Promise<InstallResult> {
    const body = typeof component === 'string' ? { componentId: component, ...options } : { ...component, ...options };
    return withIds(await this.camel<Record<string, any>>(ROUTES.installCanvas, { body: snakeKeys(body) }));
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
    return withIds(await this.camel<Record<string, any>>(ROUTES.publishDomain, { body: snakeKeys(options) }));
  }

  /** `installDomain(domainId, {customName})` or `installDomain({templateDomainId | domainId, customName})`. */
  async installDomain(domain: string | ({ domainId?: string; templateDomainId?: string } & Extra), options: Extra = {}): Promise<InstallResult> {
    const o = typeof domain === 'string' ? { templateDomainId: domain, ...options } : { ...domain, ...options };
    const { domainId, templateDomainId, ...rest } = o as { domainId?: string; templateDomainId?: string } & Extra;
    return withIds(await this.camel<Record<string, any>>(ROUTES.installDomain, { body: snakeKeys({ templateDomainId: templateDomainId ?? domainId, ...rest }) }));
  }

  rateDomain(domainId: string, rating: number): Promise<Component> {
    return this.camel(ROUTES.rateDomain, { params: { id: domainId }, body: { rating } });
  }
}
