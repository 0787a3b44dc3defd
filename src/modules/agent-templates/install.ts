import type { AppContext } from '../../platform/context.js';
import { crashPoint } from '../../platform/crash-point.js';
import { encryptSecret } from '../../platform/crypto.js';
import { AppError, isUniqueViolation } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { PLAN_LIMITS } from '../../platform/plans.js';
import { ROLES } from '../agents/schemas.js';
import { agentsService } from '../agents/service.js';
import type { Caller, Listing } from '../marketplace/service.js';
import { skillsService } from '../skills/service.js';
import * as repo from './repo.js';
import { templateEngine } from './service.js';
import { installedMaturity, readSnapshot, stripCredentials } from './snapshot.js';

export interface InstallConfig {
  api_keys?: Record<string, string>;
  settings?: Record<string, unknown>;
}
export interface InstallTarget {
  id: string;
  sourceTenantId?: string | null;
  targetTenantId?: string | null;
}
export interface InstallResult {
  installation_id: string;
  agent_id: string;
  template_id: string;
  maturity_level: string;
  created: boolean;
  installed_skills: string[];
  api_keys_configured: string[];
}

/** Intern at most, and student for a caller who may not graduate agents (GRADUATION_MANAGE). */
const startLevel = (caller: Caller, templateLevel: string) =>
  caller.graduator ? installedMaturity(templateLevel) : 'student';

export const keysAad = (tenantId: string, agentId: string) => `agent-template-keys:${tenantId}:${agentId}`;

/**
 * One step of an install: its error keeps its own code and status (the seeds' code, e.g.
 * CONFIG_SCHEMA_INVALID or AGENT_LIMIT_EXCEEDED) and says which step failed; the transaction it
 * runs in is rolled back by the throw.
 */
async function step<T>(
  name: string,
  templateId: string,
  what: Record<string, unknown>,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const about = what.skill_id ? ` (required skill ${String(what.skill_id)})` : '';
    throw new AppError(
      err.code,
      `Template install failed at ${name}${about}; nothing was installed: ${err.message}`,
      {
        ...(err.details ?? {}),
        failed_step: name,
        template_id: templateId,
        ...what,
      },
      err.headers,
    );
  }
}

/**
 * Installing a template creates a real agent in the caller's tenant (intern at most; student when
 * the caller may not graduate agents), installs the template's required skills through the skills
 * engine and seals install api keys, all in one database transaction (issue 22): a failure or a
 * crash at any step leaves no agent, no install and no event behind.
 */
export function templateInstaller(ctx: AppContext) {
  const engine = templateEngine(ctx);
  const skills = skillsService(ctx).engine;
  const agents = agentsService(ctx);

  /** `id` is a template id, or (as in the guides) the published agent's id, optionally with its source tenant. */
  async function resolve(caller: Caller, t: InstallTarget): Promise<Listing> {
    if (t.targetTenantId && t.targetTenantId !== caller.tenantId) {
      throw new AppError('TENANT_MISMATCH', 'target_tenant_id must be the tenant of the credential', {
        target_tenant_id: t.targetTenantId,
      });
    }
    let l: Listing | null = null;
    try {
      l = await engine.visible(caller.tenantId, t.id);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'AGENT_NOT_FOUND') throw err;
      l = await engine.visibleBySource(caller.tenantId, t.id, t.sourceTenantId ?? null);
    }
    if (l?.status !== 'approved' || (t.sourceTenantId && l.tenant_id !== t.sourceTenantId)) {
      throw new AppError('AGENT_NOT_FOUND', `Agent template '${t.id}' not found`, { id: t.id });
    }
    return l;
  }

  function checkConfig(c: InstallConfig): void {
    const bad: string[] = [];
    stripCredentials(c.settings ?? {}, 'install_config.settings', bad);
    if (bad.length) {
      throw new AppError('INVALID_CONFIGURATION', 'Credentials belong in install_config.api_keys, not in settings', {
        fields: bad,
      });
    }
  }

  /** The required skills still to install, dependencies first; DEPENDENCY_MISSING when any cannot be. */
  async function planSkills(caller: Caller, l: Listing, required: string[]): Promise<Listing[]> {
    const installed = await skills.installedIds(caller.tenantId);
    const wanted = required.filter((id) => !installed.has(id));
    const found: Listing[] = [];
    const missing: string[] = [];
    for (const id of wanted) {
      const s = await skills.visible(caller.tenantId, id).catch(() => null);
      if (s && s.status === 'approved') found.push(s);
      else missing.push(id);
    }
    const ordered: Listing[] = [];
    const ready = new Set(installed);
    let pending = found;
    while (pending.length) {
      const next = pending.filter((s) => s.dependencies.every((d) => ready.has(d)));
      if (!next.length) break;
      for (const s of next) {
        ordered.push(s);
        ready.add(s.id);
      }
      pending = pending.filter((s) => !ready.has(s.id));
    }
    missing.push(...pending.map((s) => s.id));
    if (missing.length) {
      throw new AppError(
        'DEPENDENCY_MISSING',
        `Required skill(s) not available to this tenant: ${missing.join(', ')}`,
        { missing_skills: missing, required_by: l.id },
      );
    }
    const max = PLAN_LIMITS[caller.plan].maxInstalledSkills;
    const count = await skills.countInstalls(caller.tenantId);
    if (max !== null && count + ordered.length > max) {
      throw new AppError('TENANT_LIMIT_EXCEEDED', `The ${caller.plan} plan allows ${max} installed skills`, {
        limit: max,
        current: count,
        needed: ordered.length,
        plan: caller.plan,
      });
    }
    return ordered;
  }

  /** The agent of an earlier install of this template, while it still exists. */
  async function earlier(
    caller: Caller,
    templateId: string,
  ): Promise<{ row: repo.TemplateInstallRow; alive: boolean } | null> {
    const row = await repo.findByTemplate(ctx.db.as(caller.tenantId), caller.tenantId, templateId);
    if (!row) return null;
    const alive = await agents.load(caller.tenantId, row.agent_id).then(
      () => true,
      () => false,
    );
    return { row, alive };
  }

  const fromRow = (r: repo.TemplateInstallRow, maturity: string): InstallResult => ({
    installation_id: r.id,
    agent_id: r.agent_id,
    template_id: r.template_id,
    maturity_level: maturity,
    created: false,
    installed_skills: [],
    api_keys_configured: r.api_key_names,
  });

  /** Installs of one template into one tenant run one after another in this process. */
  const running = new Map<string, Promise<unknown>>();
  async function install(
    caller: Caller,
    createdBy: string | null,
    t: InstallTarget,
    config: InstallConfig = {},
  ): Promise<InstallResult> {
    const l = await resolve(caller, t);
    checkConfig(config);
    const key = `${caller.tenantId}:${l.id}`;
    const prev = running.get(key) ?? Promise.resolve();
    const mine = prev.catch(() => undefined).then(() => installOnce(caller, createdBy, l, config));
    running.set(key, mine);
    try {
      return await mine;
    } finally {
      if (running.get(key) === mine) running.delete(key);
    }
  }

  /**
   * Prepare (reads and checks, outside any transaction), then one transaction: the agent, its
   * required skills' installs, the template's install, the sealed api keys and their outbox events
   * commit together or not at all. A failure at any step, or a crash, leaves nothing to undo.
   */
  async function installOnce(
    caller: Caller,
    createdBy: string | null,
    l: Listing,
    config: InstallConfig,
  ): Promise<InstallResult> {
    const prior = await earlier(caller, l.id);
    if (prior?.alive)
      return fromRow(prior.row, (await agents.load(caller.tenantId, prior.row.agent_id)).maturity_level);
    const snap = readSnapshot(l.content);
    const toInstall = await planSkills(caller, l, snap.required_skills);
    const settings = config.settings ?? {};
    const names = Object.keys(config.api_keys ?? {});
    try {
      const { row, agent } = await ctx.db.tx(caller.tenantId, async (ex) => {
        const agent = await step('create_agent', l.id, {}, () =>
          agents.createIn(
            ex,
            caller.tenantId,
            createdBy,
            {
              name: snap.name.slice(0, 100) || l.name.slice(0, 100),
              description: snap.description.slice(0, 2000) || undefined,
              role: ((ROLES as readonly string[]).includes(snap.role) ? snap.role : 'custom') as (typeof ROLES)[number],
              maturity_level: startLevel(caller, snap.maturity_level),
              capabilities: snap.capabilities.slice(0, 50),
              configuration: { ...snap.configuration, ...settings },
            },
            { mayGraduate: caller.graduator },
          ),
        );
        crashPoint('template-install:after-agent');
        const counted: string[] = [];
        for (const s of toInstall)
          await step('install_skill', l.id, { skill_id: s.id }, () =>
            skills.installIn(ex, caller, s, {}, agent.id, counted),
          );
        crashPoint('template-install:after-skills');
        const installed = await step('install_template', l.id, {}, () =>
          engine.installIn(ex, caller, l, { settings }, agent.id, counted),
        );
        await engine.countInstalled(ex, counted);
        const sealed = names.length
          ? encryptSecret(ctx.config.encryptionKey, JSON.stringify(config.api_keys), keysAad(caller.tenantId, agent.id))
          : null;
        if (prior) await repo.deleteStale(ex, caller.tenantId, l.id, prior.row.agent_id);
        const row = await repo.insert(ex, caller.tenantId, {
          id: newId('ati'),
          template_id: l.id,
          agent_id: agent.id,
          source_tenant_id: l.tenant_id,
          version_id: installed.version_id,
          settings,
          api_key_names: names,
          api_keys_sealed: sealed,
        });
        return { row, agent };
      });
      return { ...fromRow(row, agent.maturity_level), created: true, installed_skills: toInstall.map((s) => s.id) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another process installed the same template (or one of its skills) at the same moment: its agent stands.
      const won = await earlier(caller, l.id);
      if (won?.alive) return fromRow(won.row, (await agents.load(caller.tenantId, won.row.agent_id)).maturity_level);
      throw new AppError('CONFLICTING_OPERATION', 'Another install of this template is in progress; retry', {
        template_id: l.id,
      });
    }
  }

  /** Each item on its own: one failing does not undo the others. */
  async function bulk(
    caller: Caller,
    createdBy: string | null,
    ids: string[],
    common: Omit<InstallTarget, 'id'>,
    config: InstallConfig,
  ) {
    const results = [];
    for (const id of ids) {
      try {
        const r = await install(caller, createdBy, { ...common, id }, config);
        results.push({
          agent_id: id,
          template_id: r.template_id,
          status: 'installed',
          installation_id: r.installation_id,
          installed_agent_id: r.agent_id,
          created: r.created,
          error: null,
        });
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('INSTALL_FAILED', 'Installation failed');
        results.push({
          agent_id: id,
          template_id: null,
          status: 'failed',
          installation_id: null,
          installed_agent_id: null,
          created: false,
          error: { code: e.code, message: e.message, details: e.details ?? {} },
        });
      }
    }
    return results;
  }

  return { install, bulk };
}
