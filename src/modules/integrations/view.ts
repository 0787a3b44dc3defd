import type { ResolvedProvider } from './providers.js';
import type { IntegrationRow } from './repo.js';

const iso = (v: Date | string | null | undefined) => (v ? new Date(v).toISOString() : null);

/** What users see of a connection: state and metadata, never a token. */
export function toView(p: ResolvedProvider, row: IntegrationRow | null) {
  const expired = !!row?.expires_at && new Date(row.expires_at).getTime() <= Date.now() && !row.refresh_token;
  const status = !row
    ? 'not_connected'
    : row.status === 'connected' && expired
      ? 'expired'
      : row.status === 'disconnected'
        ? 'not_connected'
        : row.status;
  return {
    provider: p.id,
    name: p.name,
    configured: !!p.clientId,
    status,
    connected: status === 'connected',
    scopes: row?.scopes ?? [],
    expires_at: iso(row?.expires_at),
    connected_at: iso(row?.connected_at),
    refreshed_at: iso(row?.refreshed_at),
    has_refresh_token: !!row?.refresh_token,
    last_error: row?.last_error ?? null,
    settings: row?.settings ?? {},
  };
}
