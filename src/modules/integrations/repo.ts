import type { Executor } from '../../platform/db/index.js';

export interface StateRow {
  tenant_id: string;
  provider: string;
  user_id: string | null;
  code_verifier: string;
  redirect_uri: string;
  scopes: string[];
  return_to: string | null;
  expires_at: Date;
  used_at: Date | null;
}

export interface IntegrationRow {
  tenant_id: string;
  provider: string;
  status: 'connected' | 'revoked' | 'error' | 'disconnected';
  access_token: string | null;
  refresh_token: string | null;
  token_type: string | null;
  scopes: string[];
  expires_at: Date | null;
  settings: Record<string, unknown>;
  connected_by: string | null;
  connected_at: Date | null;
  refreshed_at: Date | null;
  last_error: string | null;
  updated_at: Date;
}

export async function insertState(
  ex: Executor,
  tenantId: string,
  s: {
    hash: string;
    provider: string;
    userId: string | null;
    verifier: string;
    redirectUri: string;
    scopes: string[];
    returnTo: string | null;
    expiresAt: Date;
  },
) {
  await ex.query(
    `INSERT INTO oauth_states (tenant_id, state_hash, provider, user_id, code_verifier, redirect_uri, scopes,
         return_to, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [tenantId, s.hash, s.provider, s.userId, s.verifier, s.redirectUri, s.scopes, s.returnTo, s.expiresAt],
  );
}

/** Marks the state used and returns it, in one statement: a replayed state finds nothing to claim. */
export async function claimState(ex: Executor, hash: string): Promise<StateRow | null> {
  const [row] = await ex.query<StateRow>(
    'UPDATE oauth_states SET used_at = now() WHERE state_hash = $1 AND used_at IS NULL RETURNING *',
    [hash],
  );
  return row ?? null;
}

export async function stateExists(ex: Executor, hash: string): Promise<boolean> {
  return (await ex.query('SELECT 1 FROM oauth_states WHERE state_hash = $1', [hash])).length > 0;
}

export async function deleteExpiredStates(ex: Executor): Promise<void> {
  await ex.query("DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'");
}

export async function getIntegration(ex: Executor, tenantId: string, provider: string): Promise<IntegrationRow | null> {
  const [row] = await ex.query<IntegrationRow>('SELECT * FROM integrations WHERE tenant_id = $1 AND provider = $2', [
    tenantId,
    provider,
  ]);
  return row ?? null;
}

export async function listIntegrations(ex: Executor, tenantId: string): Promise<IntegrationRow[]> {
  return ex.query<IntegrationRow>('SELECT * FROM integrations WHERE tenant_id = $1', [tenantId]);
}

export interface TokenFields {
  accessToken: string;
  refreshToken: string | null;
  tokenType: string | null;
  scopes: string[];
  expiresAt: Date | null;
}

export async function saveConnection(
  ex: Executor,
  tenantId: string,
  provider: string,
  userId: string | null,
  t: TokenFields,
): Promise<IntegrationRow> {
  const [row] = await ex.query<IntegrationRow>(
    `INSERT INTO integrations (tenant_id, provider, status, access_token, refresh_token, token_type, scopes,
         expires_at, connected_by, connected_at, last_error)
     VALUES ($1, $2, 'connected', $3, $4, $5, $6, $7, $8, now(), NULL)
     ON CONFLICT (tenant_id, provider) DO UPDATE SET status = 'connected', access_token = $3, refresh_token = $4,
       token_type = $5,
       scopes = $6, expires_at = $7, connected_by = $8, connected_at = now(), refreshed_at = NULL, last_error = NULL,
         updated_at = now()
     RETURNING *`,
    [tenantId, provider, t.accessToken, t.refreshToken, t.tokenType, t.scopes, t.expiresAt, userId],
  );
  return row;
}

export async function saveRefresh(
  ex: Executor,
  tenantId: string,
  provider: string,
  t: Omit<TokenFields, 'scopes'>,
): Promise<IntegrationRow> {
  const [row] = await ex.query<IntegrationRow>(
    `UPDATE integrations SET access_token = $3, refresh_token = coalesce($4, refresh_token), token_type =
         coalesce($5, token_type),
       expires_at = $6, refreshed_at = now(), status = 'connected', last_error = NULL, updated_at = now()
     WHERE tenant_id = $1 AND provider = $2 RETURNING *`,
    [tenantId, provider, t.accessToken, t.refreshToken, t.tokenType, t.expiresAt],
  );
  return row;
}

export async function markStatus(
  ex: Executor,
  tenantId: string,
  provider: string,
  status: IntegrationRow['status'],
  error: string | null,
) {
  await ex.query(
    'UPDATE integrations SET status = $3, last_error = $4, updated_at = now() WHERE tenant_id = $1 AND provider = $2',
    [tenantId, provider, status, error],
  );
}

export async function saveSettings(
  ex: Executor,
  tenantId: string,
  provider: string,
  settings: Record<string, unknown>,
): Promise<IntegrationRow> {
  const [row] = await ex.query<IntegrationRow>(
    `INSERT INTO integrations (tenant_id, provider, status, settings) VALUES ($1, $2, 'disconnected', $3)
     ON CONFLICT (tenant_id, provider) DO UPDATE SET settings = $3, updated_at = now() RETURNING *`,
    [tenantId, provider, JSON.stringify(settings)],
  );
  return row;
}

export async function deleteIntegration(
  ex: Executor,
  tenantId: string,
  provider: string,
): Promise<IntegrationRow | null> {
  const [row] = await ex.query<IntegrationRow>(
    'DELETE FROM integrations WHERE tenant_id = $1 AND provider = $2 RETURNING *',
    [tenantId, provider],
  );
  return row ?? null;
}
