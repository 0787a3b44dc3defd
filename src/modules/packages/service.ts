import type { AppContext } from '../../platform/context.js';
import { type Executor, SYSTEM } from '../../platform/db/index.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Advisory, PackageType } from './repo.js';
import * as repo from './repo.js';
import { compareVersions, isValidRange, satisfies } from './versions.js';

export type { PackageType } from './repo.js';
export interface AdvisoryInput {
  package_type: PackageType;
  package_name: string;
  cve: string;
  severity: string;
  description?: string;
  affected: string;
  safe_version?: string | null;
}
export interface DeclaredPackage {
  type: PackageType;
  name: string;
  version: string | null;
}

/** Names compare the way the registries do: PEP 503 for python (case, `-_.` runs), lower case for npm. */
export function normalizeName(type: PackageType, name: string): string {
  const n = name.trim().toLowerCase();
  return type === 'python' ? n.replace(/[-_.]+/g, '-') : n;
}

/** The packages a skill declares, from its `python_packages` and `npm_packages` lists. */
export function declaredPackages(content: Record<string, unknown>): DeclaredPackage[] {
  const list = (key: string, type: PackageType) =>
    ((content[key] as { name: string; version?: string | null }[] | undefined) ?? []).map((p) => ({
      type,
      name: normalizeName(type, p.name),
      version: p.version ?? null,
    }));
  return [...list('python_packages', 'python'), ...list('npm_packages', 'npm')];
}

/**
 * The version an advisory check looks at: an exact pin, or the lowest version a `>=`/`==` spec
 * admits. Without either we cannot tell which version would be used, so only advisories with
 * no fixed release (no safe version) apply.
 */
function checkedVersion(spec: string | null): string | null {
  if (!spec) return null;
  const m = /^(?:==|>=|=)?\s*v?(\d[0-9A-Za-z.+-]*)$/.exec(spec.trim());
  return m ? m[1]! : null;
}

function affects(a: Advisory, spec: string | null): boolean {
  const v = checkedVersion(spec);
  return v ? satisfies(v, a.affected) : a.safe_version === null;
}

/** The lowest safe version that is above every advisory's fix. */
function safeVersion(advisories: Advisory[]): string | null {
  const fixes = advisories.map((a) => a.safe_version).filter((v): v is string => !!v);
  return fixes.sort(compareVersions).at(-1) ?? null;
}

export function packagesService(ctx: AppContext) {
  const sys = ctx.db.as(SYSTEM);

  async function vulnerabilities(rawName: string, type?: PackageType, version?: string | null) {
    const names = type
      ? [normalizeName(type, rawName)]
      : [...new Set([normalizeName('python', rawName), normalizeName('npm', rawName)])];
    const all = (await Promise.all(names.map((n) => repo.advisoriesFor(sys, n, type)))).flat();
    const relevant = version === undefined ? all : all.filter((a) => affects(a, version));
    return { advisories: relevant, safe_version: safeVersion(all) };
  }

  return {
    vulnerabilities,

    /**
     * The rule skills obey: every declared package must be whitelisted for the tenant (platform or
     * tenant entry whose range admits the declared version) and free of known advisories.
     */
    async assertAllowed(tenantId: string, pkgs: DeclaredPackage[], requestUrl: string): Promise<void> {
      if (!pkgs.length) return;
      const entries = await repo.whitelistFor(ctx.db.as(tenantId), tenantId, pkgs);
      for (const p of pkgs) {
        const entry = entries.find((e) => e.package_type === p.type && e.name === p.name);
        const v = checkedVersion(p.version);
        if (!entry || (v && !satisfies(v, entry.version_range))) {
          throw new AppError(
            'PACKAGE_NOT_WHITELISTED',
            `Package '${p.name}' is not whitelisted. Contact administrator to request approval.`,
            {
              package_name: p.name,
              package_type: p.type,
              version: p.version,
              request_url: requestUrl,
              ...(entry ? { whitelisted_range: entry.version_range } : {}),
            },
          );
        }
        const { advisories, safe_version } = await vulnerabilities(p.name, p.type, p.version);
        if (advisories.length) {
          throw new AppError(
            'PACKAGE_VULNERABILITY',
            `Package '${p.name}' has ${advisories.length} known security ` +
              `vulnerabilit${advisories.length === 1 ? 'y' : 'ies'}.` +
              `${safe_version ? ` Update to version ${safe_version} or later.` : ''}`,
            {
              package_name: p.name,
              package_type: p.type,
              current_version: p.version,
              safe_version,
              vulnerabilities: advisories.map((a) => ({
                severity: a.severity,
                cve: a.cve,
                description: a.description,
              })),
            },
          );
        }
      }
    },

    /** The packages an install brought, recorded inside the install's own transaction `ex`. */
    recordInstalledIn: (ex: Executor, tenantId: string, pkgs: DeclaredPackage[], requiredBy: string) =>
      repo.recordTenantPackages(ex, tenantId, pkgs, requiredBy),
    installed: (tenantId: string) => repo.tenantPackages(ctx.db.as(tenantId), tenantId),
    whitelist: (tenantId: string) => repo.whitelistFor(ctx.db.as(tenantId), tenantId),

    /** A tenant asks for a package; an already whitelisted one is answered at once, a pending duplicate is returned. */
    async request(
      tenantId: string,
      by: string | null,
      input: { package_name: string; package_type: PackageType; version?: string; reason?: string },
    ) {
      const r = { ...input, package_name: normalizeName(input.package_type, input.package_name) };
      const [entry] = await repo.whitelistFor(ctx.db.as(tenantId), tenantId, [
        { type: r.package_type, name: r.package_name },
      ]);
      const v = checkedVersion(r.version ?? null);
      if (entry && (!v || satisfies(v, entry.version_range)))
        return { request: null, whitelisted: true, duplicate: false };
      return ctx.db.tx(tenantId, async (ex) => {
        const created = await repo.insertRequest(ex, tenantId, {
          id: newId('pkr'),
          type: r.package_type,
          name: r.package_name,
          version: r.version ?? null,
          reason: r.reason ?? '',
          by,
        });
        const request = created ?? (await repo.findPendingRequest(ex, tenantId, r.package_type, r.package_name))!;
        if (created)
          await ctx.outbox.emit(ex, tenantId, 'package.requested', {
            request_id: request.id,
            package_name: request.name,
            package_type: request.package_type,
            version: request.version,
          });
        return { request, whitelisted: false, duplicate: !created };
      });
    },

    listRequests: (tenantId: string | null, status: string | undefined, limit: number, offset: number) =>
      repo.listRequests(tenantId ? ctx.db.as(tenantId) : sys, tenantId, status, limit, offset),

    /** A platform admin decides: approval whitelists the package for the tenant or the whole platform. */
    async review(
      id: string,
      d: { approve: boolean; scope?: 'tenant' | 'platform'; version_range?: string; reason?: string },
    ) {
      const range = d.version_range ?? '*';
      if (!isValidRange(range))
        throw new AppError('VALIDATION_ERROR', `version_range '${range}' is not a valid range`, {
          field: 'version_range',
        });
      return ctx.db.tx(SYSTEM, async (ex) => {
        const existing = await repo.findRequest(ex, id);
        if (!existing) throw notFound('NOT_FOUND', 'Package request', id);
        const scope = d.approve ? (d.scope ?? 'tenant') : null;
        const r = await repo.decideRequest(ex, id, {
          status: d.approve ? 'approved' : 'rejected',
          scope,
          reason: d.reason ?? null,
        });
        if (!r)
          throw new AppError('CONFLICTING_OPERATION', `Request is ${existing.status}, not pending`, {
            status: existing.status,
          });
        if (d.approve) {
          await repo.upsertWhitelist(ex, {
            tenantId: scope === 'platform' ? repo.PLATFORM : r.tenant_id,
            type: r.package_type,
            name: r.name,
            range,
            reason: r.reason,
            by: 'platform_admin',
          });
        }
        await ctx.outbox.emit(ex, r.tenant_id, 'package.reviewed', {
          request_id: r.id,
          package_name: r.name,
          status: r.status,
          scope,
        });
        return r;
      });
    },

    async addToWhitelist(e: {
      tenant_id?: string;
      package_type: PackageType;
      package_name: string;
      version_range?: string;
      reason?: string;
    }) {
      const range = e.version_range ?? '*';
      if (!isValidRange(range))
        throw new AppError('VALIDATION_ERROR', `version_range '${range}' is not a valid range`, {
          field: 'version_range',
        });
      await ctx.db.tx(SYSTEM, (ex) =>
        repo.upsertWhitelist(ex, {
          tenantId: e.tenant_id ?? repo.PLATFORM,
          type: e.package_type,
          name: normalizeName(e.package_type, e.package_name),
          range,
          reason: e.reason ?? null,
          by: 'platform_admin',
        }),
      );
    },

    async removeFromWhitelist(tenantId: string | undefined, type: PackageType, name: string) {
      if (!(await repo.deleteWhitelist(sys, tenantId ?? repo.PLATFORM, type, normalizeName(type, name))))
        throw notFound('NOT_FOUND', 'Whitelist entry', `${type}:${name}`);
    },

    /** Admins add or correct an advisory; `seed` adds the file's entries without overwriting admins' changes. */
    async upsertAdvisory(a: AdvisoryInput, source: 'admin' | 'seed' = 'admin') {
      if (!isValidRange(a.affected))
        throw new AppError('VALIDATION_ERROR', `affected '${a.affected}' is not a valid version range`, {
          field: 'affected',
        });
      const row = {
        id: newId('adv'),
        package_type: a.package_type,
        name: normalizeName(a.package_type, a.package_name),
        cve: a.cve,
        severity: a.severity,
        description: a.description ?? '',
        affected: a.affected,
        safe_version: a.safe_version ?? null,
        source,
      };
      return repo.upsertAdvisory(sys, row, source === 'admin');
    },

    listAdvisories: (limit: number, offset: number, name?: string) => repo.listAdvisories(sys, limit, offset, name),

    async deleteAdvisory(id: string) {
      if (!(await repo.deleteAdvisory(sys, id))) throw notFound('NOT_FOUND', 'Advisory', id);
    },
  };
}
