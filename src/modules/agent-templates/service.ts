import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { agentsService } from '../agents/service.js';
import { MATURITY_LEVELS, type Maturity } from '../governance/policy.js';
import { type Caller, type Listing, marketplaceEngine } from '../marketplace/service.js';
import { skillsService } from '../skills/service.js';
import * as repo from './repo.js';
import { buildSnapshot } from './snapshot.js';

/** Not-found on this marketplace is the seeds' AGENT_NOT_FOUND ("Agent template not found"). */
export const templateEngine = (ctx: AppContext) =>
  marketplaceEngine(ctx, 'agent_template', { notFoundCode: 'AGENT_NOT_FOUND' });

export interface PublishRequest {
  agent_id: string;
  marketplace_type?: 'public' | 'private';
  name?: string;
  description?: string;
  long_description?: string;
  capabilities?: string[];
  maturity_level?: Maturity;
  pricing_tier?: string;
  required_skills?: string[];
  category?: string;
  tags?: string[];
  price?: number;
  documentation_url?: string;
}

export interface ListRequest {
  viewer: string;
  query?: string;
  capability?: string;
  min_rating?: number;
  marketplace_type?: 'public' | 'private';
  pricing_tier?: string;
  maturity_level?: string;
  category?: string;
  limit: number;
  offset: number;
}

export function agentTemplatesService(ctx: AppContext) {
  const engine = templateEngine(ctx);
  const agents = agentsService(ctx);
  const skills = skillsService(ctx).engine;

  /** Skills installed for the agent plus declared ones; a declared skill must be one the publisher can see. */
  async function requiredSkills(tenantId: string, agentId: string, declared: string[]): Promise<string[]> {
    const installed = await skills.installedFor(tenantId, 'skill', agentId);
    for (const id of declared) await skills.visible(tenantId, id);
    return [...new Set([...installed, ...declared])];
  }

  return {
    engine,

    /** What this tenant installed from the agent marketplace: the source agent and the agent it became here. */
    async installations(tenantId: string, limit: number, offset: number) {
      const { rows, total } = await repo.listInstalls(ctx.db.as(SYSTEM), tenantId, limit, offset);
      const items = rows.map((r) => ({
        id: r.id as string,
        template_id: r.template_id as string,
        agent_id: r.agent_id as string | null,
        installed_agent_id: r.installed_agent_id as string,
        name: r.name as string | null,
        source_tenant_id: r.source_tenant_id as string,
        version_id: r.version_id as string | null,
        api_key_names: r.api_key_names as string[],
        status: 'installed',
        created_at: new Date(r.created_at as string).toISOString(),
      }));
      return { items, total };
    },

    /**
     * Snapshots the agent (configuration without credentials, capabilities, required skills,
     * maturity) into a listing: private → approved at once, public → pending_approval.
     */
    async publish(caller: Caller, r: PublishRequest): Promise<Listing> {
      const agent = await agents.load(caller.tenantId, r.agent_id);
      if (
        r.maturity_level &&
        MATURITY_LEVELS.indexOf(r.maturity_level) > MATURITY_LEVELS.indexOf(agent.maturity_level)
      ) {
        throw new AppError(
          'VALIDATION_ERROR',
          `maturity_level cannot exceed the agent's current level (${agent.maturity_level})`,
          { field: 'maturity_level', current: agent.maturity_level },
        );
      }
      const type = r.marketplace_type ?? 'public';
      const live = await engine.liveBySource(caller.tenantId, agent.id, type);
      if (live)
        throw new AppError(
          'ALREADY_PUBLISHED',
          `Agent ${agent.id} is already published as ${live.id} (${live.status})`,
          { template_id: live.id, status: live.status },
        );
      const snapshot = buildSnapshot({
        name: r.name ?? agent.name,
        description: r.description ?? agent.description ?? '',
        role: agent.role,
        maturity_level: r.maturity_level ?? agent.maturity_level,
        capabilities: r.capabilities ?? agent.capabilities,
        configuration: agent.configuration,
        required_skills: await requiredSkills(caller.tenantId, agent.id, r.required_skills ?? []),
        pricing_tier: r.pricing_tier ?? 'free',
      });
      return engine.publish(caller, {
        source_id: agent.id,
        name: snapshot.name,
        description: snapshot.description,
        long_description: r.long_description ?? '',
        category: r.category ?? 'general',
        subtype: snapshot.role,
        tags: r.tags ?? [],
        price: r.price ?? 0,
        documentation_url: r.documentation_url ?? null,
        marketplace_type: type,
        content: { ...snapshot },
        config_schema: null,
        dependencies: snapshot.required_skills,
      });
    },

    search(f: ListRequest) {
      const contentMatch: Record<string, unknown> = {};
      if (f.capability) contentMatch.capabilities = [f.capability];
      if (f.pricing_tier) contentMatch.pricing_tier = f.pricing_tier;
      if (f.maturity_level) contentMatch.maturity_level = f.maturity_level;
      return engine.search({
        viewer: f.viewer,
        query: f.query,
        category: f.category,
        contentMatch,
        minRating: f.min_rating,
        marketplaceType: f.marketplace_type,
        sort: 'popularity',
        limit: f.limit,
        offset: f.offset,
      });
    },

    /** Publication status is the publisher's to poll; other tenants get 404. */
    status: (tenantId: string, id: string) => engine.owned(tenantId, id),
  };
}
