import { camelKeys, snakeKeys } from './case.js';
import {
  type BulkInstallResult,
  bulk,
  type Component,
  type InstallResult,
  type ListOptions,
  type PublishResult,
  withIds,
} from './marketplace-base.js';
import { MarketplaceKinds } from './marketplace-kinds.js';
import { type Page, paginate, toPage } from './pagination.js';
import { ROUTES } from './routes.js';
import { type ClientOptions, Transport } from './transport.js';
import type {
  BrowsedSkill,
  SkillDetail,
  SkillInstalled,
  SkillPublished,
  SkillRated,
  SkillSummary,
  Webhook,
} from './types.js';

/**
 * The marketplace client of the developer and integration guides: agents, skills, canvases and
 * domains (publish → review → install → rate), webhooks, installations, usage. Options and results
 * are camelCase; the wire is the server's snake_case.
 */
export class MarketplaceClient extends MarketplaceKinds {
  readonly skills: SkillsResource;

  constructor(options: ClientOptions = {}) {
    const transport = new Transport(options);
    super(transport);
    this.skills = new SkillsResource(this);
  }

  // ---- skills
  listSkills(options: ListOptions = {}): Promise<Page<SkillSummary>> {
    return this.list<SkillSummary>(ROUTES.listSkills, options);
  }

  iterateSkills(options: Omit<ListOptions, 'page' | 'offset'> = {}): AsyncGenerator<SkillSummary> {
    return paginate((page) => this.listSkills({ pageSize: 100, ...options, page }));
  }

  async getSkill(skillId: string): Promise<SkillDetail> {
    return (await this.camel<{ skill: SkillDetail }>(ROUTES.getSkill, { params: { id: skillId } })).skill;
  }

  /**
   * Publishes one of your private skills (`skillId`); public listings wait for review. `action` is the
   * governance action the skill performs (see GET /api/governance/actions), required unless the private
   * skill declares one: the server answers 400 MISSING_REQUIRED_FIELD otherwise.
   */
  async publishSkill(options: {
    skillId: string;
    action?: string;
    // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
    [key: string]: any;
  }): Promise<SkillPublished & PublishResult> {
    return withIds<SkillPublished>(
      await this.camel<Record<string, unknown>>(ROUTES.publishSkill, { body: snakeKeys(options) }),
    );
  }

  /** `installSkill(skillId, {agentId, configOverrides})` or `installSkill({skillId, …})`. */
  async installSkill(
    skill: string | { skillId: string; [key: string]: unknown },
    options: Record<string, unknown> = {},
  ): Promise<SkillInstalled & InstallResult> {
    const body = typeof skill === 'string' ? { skillId: skill, ...options } : { ...skill, ...options };
    return withIds<SkillInstalled>(
      await this.camel<Record<string, unknown>>(ROUTES.installSkill, { body: snakeKeys(body) }),
    );
  }

  async rateSkill(skillId: string, rating: number, review?: string): Promise<SkillRated> {
    return this.camel(ROUTES.rateSkill, { params: { id: skillId }, body: { rating, review } });
  }

  bulkInstallSkills(
    skillIds: string[],
    options: Record<string, unknown> & { concurrency?: number } = {},
  ): Promise<BulkInstallResult<SkillInstalled & InstallResult>> {
    const { concurrency, ...rest } = options;
    return bulk(skillIds, (id) => this.installSkill(id, rest), concurrency);
  }

  // ---- webhooks
  /** The webhook plus its `secret` (shown only now; yours, or a generated `whsec_…`). */
  async createWebhook(options: {
    url: string;
    events: string[];
    secret?: string;
    description?: string;
  }): Promise<Webhook & { secret: string }> {
    const r = await this.camel<{ webhook: Webhook; secret: string }>(ROUTES.createWebhook, {
      body: snakeKeys(options),
    });
    return { ...r.webhook, secret: r.secret };
  }

  async listWebhooks(options: { page?: number; limit?: number } = {}): Promise<Page<Webhook>> {
    return toPage(await this.t.call(ROUTES.listWebhooks, { query: options }), (v) => camelKeys<Webhook>(v));
  }

  async deleteWebhook(webhookId: string): Promise<{ deleted: boolean; webhookId: string }> {
    return this.camel(ROUTES.deleteWebhook, { params: { id: webhookId } });
  }

  // ---- usage
  /**
   * GET /api/usage: `{plan, quotas: [{metric, label, used, limit, remaining, resetsAt?}] (agents,
   * installed skills, skill executions and model tokens today), llmTokens: {prompt, completion,
   * total, limit, remaining, resetsAt}, features, rateLimit: {limit, remaining, reset},
   * rateLimitRemaining, history}` (this request counted).
   */
  async getUsageStats(options: { days?: number } = {}): Promise<Component> {
    return this.camel(ROUTES.getUsageStats, { query: options });
  }

  // ---- integrations (integration guide, OAuth Configuration in ATOM)
  /**
   * A provider's settings and token metadata (`{provider, status, scopes, expiresAt, hasRefreshToken,
   * settings, …}`). Tokens are never returned: code on the server gets them from the integrations service.
   */
  async getIntegrationConfig(integrationId: string): Promise<IntegrationConfig> {
    const r = await this.t.call<{ integration: Record<string, unknown> }>(ROUTES.getIntegrationConfig, {
      params: { provider: integrationId },
    });
    return camelKeys<IntegrationConfig>(r.integration);
  }

  /**
   * Stores tokens from a client-side OAuth flow (encrypted at rest) and settings: `accessToken`,
   * `refreshToken`, `tokenExpiresAt` (Date or ISO string) and `scopes` are the tokens; every other
   * key (`baseId`, …) is a setting, sent snake_case.
   */
  async setIntegrationConfig(integrationId: string, config: Record<string, unknown>): Promise<IntegrationConfig> {
    const r = await this.t.call<{ integration: Record<string, unknown> }>(ROUTES.setIntegrationConfig, {
      params: { provider: integrationId },
      body: integrationBody(config),
    });
    return camelKeys<IntegrationConfig>(r.integration);
  }

  // ---- federation
  /**
   * Installs an agent template (or skill) from a bundle downloaded from a registered peer
   * (`FederationClient.downloadAgentBundle`); this server verifies its digest and signature again.
   */
  async installFromBundle(options: {
    bundle: Record<string, unknown>;
    sourceInstance?: string;
    peerId?: string;
  }): Promise<InstallResult> {
    const body = {
      bundle: options.bundle,
      source_instance: options.sourceInstance ?? options.bundle.source_instance,
      peer_id: options.peerId,
    };
    return withIds(await this.camel<Record<string, unknown>>(ROUTES.installFromBundle, { body }));
  }
}

export interface IntegrationConfig extends Component {
  provider: string;
  status: string;
  scopes: string[];
  expiresAt: string | null;
  hasRefreshToken: boolean;
  settings: Record<string, unknown>;
}

const TOKEN_KEYS: Record<string, string> = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  tokenExpiresAt: 'token_expires_at',
  scopes: 'scopes',
};

/** Token fields as the route names them; every other key becomes a setting. */
function integrationBody(config: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const settings: Record<string, unknown> = { ...((config.settings as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null || key === 'settings') continue;
    const token = TOKEN_KEYS[key] ?? (Object.values(TOKEN_KEYS).includes(key) ? key : undefined);
    if (token) body[token] = value instanceof Date ? value.toISOString() : value;
    else settings[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  if (Object.keys(settings).length) body.settings = settings;
  return body;
}

/** `client.skills.browse/install/rate/publish/get` (marketplace API seed, JavaScript SDK). */
export class SkillsResource {
  constructor(private readonly m: MarketplaceClient) {}

  /** GET /api/skills/marketplace: `{category, query, limit, offset, sortBy}`. */
  browse(options: ListOptions = {}): Promise<Page<BrowsedSkill>> {
    return this.m.list<BrowsedSkill>(ROUTES.browseSkills, options);
  }

  install(options: {
    skillId: string;
    agentId?: string;
    configOverrides?: Record<string, unknown>;
  }): Promise<SkillInstalled & InstallResult> {
    return this.m.installSkill(options);
  }

  rate(options: { skillId: string; rating: number; review?: string }): Promise<SkillRated> {
    return this.m.rateSkill(options.skillId, options.rating, options.review);
  }

  publish(options: {
    skillId: string;
    action?: string;
    [key: string]: unknown;
  }): Promise<SkillPublished & PublishResult> {
    return this.m.publishSkill(options);
  }

  get(skillId: string): Promise<SkillDetail> {
    return this.m.getSkill(skillId);
  }
}
