import { camelKeys, snakeKeys } from './case.js';
import { bulk, withIds, type BulkInstallResult, type Component, type InstallResult, type ListOptions, type PublishResult } from './marketplace-base.js';
import { MarketplaceKinds } from './marketplace-kinds.js';
import { Page, paginate, toPage } from './pagination.js';
import { ROUTES } from './routes.js';
import { Transport, type ClientOptions } from './transport.js';
import type { BrowsedSkill, SkillDetail, SkillInstalled, SkillPublished, SkillRated, SkillSummary, Webhook } from './types.js';

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
  async publishSkill(options: { skillId: string; action?: string; [key: string]: unknown }): Promise<SkillPublished & PublishResult> {
    return withIds<SkillPublished>(await this.camel<Record<string, any>>(ROUTES.publishSkill, { body: snakeKeys(options) }));
  }

  /** `installSkill(skillId, {agentId, configOverrides})` or `installSkill({skillId, …})`. */
  async installSkill(skill: string | { skillId: string; [key: string]: unknown }, options: Record<string, unknown> = {}): Promise<SkillInstalled & InstallResult> {
    const body = typeof skill === 'string' ? { skillId: skill, ...options } : { ...skill, ...options };
    return withIds<SkillInstalled>(await this.camel<Record<string, any>>(ROUTES.installSkill, { body: snakeKeys(body) }));
  }

  async rateSkill(skillId: string, rating: number, review?: string): Promise<SkillRated> {
    return this.camel(ROUTES.rateSkill, { params: { id: skillId }, body: { rating, review } });
  }

  bulkInstallSkills(skillIds: string[], options: Record<string, unknown> & { concurrency?: number } = {}): Promise<BulkInstallResult<SkillInstalled & InstallResult>> {
    const { concurrency, ...rest } = options;
    return bulk(skillIds, (id) => this.installSkill(id, rest), concurrency);
  }

  // ---- webhooks
  /** The webhook plus its `secret` (shown only now; yours, or a generated `whsec_…`). */
  async createWebhook(options: { url: string; events: string[]; secret?: string; description?: string }): Promise<Webhook & { secret: string }> {
    const r = await this.camel<{ webhook: Webhook; secret: string }>(ROUTES.createWebhook, { body: snakeKeys(options) });
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
}

/** `client.skills.browse/install/rate/publish/get` (marketplace API seed, JavaScript SDK). */
export class SkillsResource {
  constructor(private readonly m: MarketplaceClient) {}

  /** GET /api/skills/marketplace: `{category, query, limit, offset, sortBy}`. */
  browse(options: ListOptions = {}): Promise<Page<BrowsedSkill>> {
    return this.m.list<BrowsedSkill>(ROUTES.browseSkills, options);
  }

  install(options: { skillId: string; agentId?: string; configOverrides?: Record<string, unknown> }): Promise<SkillInstalled & InstallResult> {
    return this.m.installSkill(options);
  }

  rate(options: { skillId: string; rating: number; review?: string }): Promise<SkillRated> {
    return this.m.rateSkill(options.skillId, options.rating, options.review);
  }

  publish(options: { skillId: string; action?: string; [key: string]: unknown }): Promise<SkillPublished & PublishResult> {
    return this.m.publishSkill(options);
  }

  get(skillId: string): Promise<SkillDetail> {
    return this.m.getSkill(skillId);
  }
}

