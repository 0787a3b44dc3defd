import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { PROVIDERS } from '../integrations/providers.js';
import { integrationsService } from '../integrations/service.js';

/**
 * Skills that use the tenant's OAuth integrations. A skill declares the providers it needs
 * (`integrations: ["github"]`); each run gets a fresh access token for each of them from the
 * tenant's own connection, and nothing the run returns or throws carries those tokens onward.
 */
export const INTEGRATION_PROVIDERS = Object.keys(PROVIDERS);
export const MAX_SKILL_INTEGRATIONS = 10;

/** What a run receives per declared provider (a function skill as `env.integrations.<provider>`). */
export interface IntegrationGrant {
  access_token: string;
  token_type: string;
  expires_at: string | null;
  /**
   * The connection's non-secret settings (base id, workspace, …), as set with PUT /api/integrations/{provider}/config.
   */
  settings: Record<string, unknown>;
}

/** Create-time check: known providers only (the schema already bounds the count and refuses duplicates). */
export function assertIntegrations(list: string[] | undefined): void {
  const unknown = (list ?? []).filter((p) => !INTEGRATION_PROVIDERS.includes(p));
  if (unknown.length) {
    throw new AppError(
      'INVALID_ENUM_VALUE',
      `integrations must be among ${INTEGRATION_PROVIDERS.join(', ')}; unknown: ${unknown.join(', ')}`,
      {
        field: 'integrations',
        invalid_values: unknown,
        allowed_values: INTEGRATION_PROVIDERS,
      },
    );
  }
}

/** The providers a stored skill declares (listings made before integrations existed declare none). */
export function declaredIntegrations(content: unknown): string[] {
  const list = (content as { integrations?: unknown } | null)?.integrations;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
}

/**
 * A valid access token for each declared provider, refreshed when near expiry. The first provider
 * the tenant has not connected stops the run before it starts (AppError INTEGRATION_NOT_CONNECTED
 * naming the provider, `details.provider`).
 */
export async function grantsFor(
  ctx: AppContext,
  tenantId: string,
  providers: string[],
): Promise<Record<string, IntegrationGrant>> {
  if (!providers.length) return {};
  const integrations = integrationsService(ctx);
  const grants: Record<string, IntegrationGrant> = {};
  for (const p of providers) {
    const c = await integrations.credentials(tenantId, p);
    grants[p] = {
      access_token: c.access_token,
      token_type: c.token_type,
      expires_at: c.expires_at ? new Date(c.expires_at).toISOString() : null,
      settings: c.settings ?? {},
    };
  }
  return grants;
}

export const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret in every string of `value` (object keys included,
 * recursively) with "[redacted]". Values are JSON data (what a sandbox or an endpoint returned).
 * It catches a skill that echoes its token, not one that disguises it (reversed, encoded, split).
 */
export function redactSecrets<T>(value: T, secrets: string[]): T {
  const list = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (!list.length) return value;
  const text = (s: string) => list.reduce((acc, secret) => acc.split(secret).join(REDACTED), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
