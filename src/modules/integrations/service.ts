import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { decryptSecret, encryptSecret, sha256Hex } from '../../platform/crypto.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import {
  authorizationUrl,
  exchangeCode,
  OAuthError,
  pkcePair,
  probe,
  refreshTokens,
  revokeToken,
  type TokenSet,
} from './oauth-client.js';
import { PROVIDERS, type ResolvedProvider, resolveProvider } from './providers.js';
import * as repo from './repo.js';
import { toView } from './view.js';

const STATE_TTL_MS = 10 * 60_000;
/** Tokens this close to expiry are refreshed before use. */
const REFRESH_SKEW_MS = 60_000;

/**
 * Refreshes in flight, per app: every service made from the same context (routes, skill runs, …)
 * shares them, so concurrent users of one connection trigger one refresh, not one each.
 */
const refreshesByApp = new WeakMap<AppContext, Map<string, Promise<repo.IntegrationRow>>>();

export function integrationsService(ctx: AppContext) {
  const aad = (tenantId: string, provider: string) => `integration:${tenantId}:${provider}`;
  const seal = (tenantId: string, provider: string, text: string) =>
    encryptSecret(ctx.config.encryptionKey, text, aad(tenantId, provider));
  const unseal = (tenantId: string, provider: string, text: string) =>
    decryptSecret(ctx.config.encryptionKey, text, aad(tenantId, provider));
  const redirectUri = (provider: string) => `${ctx.config.publicUrl}/api/integrations/${provider}/callback`;
  const refreshing = refreshesByApp.get(ctx) ?? new Map<string, Promise<repo.IntegrationRow>>();
  refreshesByApp.set(ctx, refreshing);

  function provider(id: string): ResolvedProvider {
    const p = resolveProvider(ctx.config, id);
    if (!p)
      throw new AppError('INTEGRATION_NOT_FOUND', `Unknown integration '${id}'`, { supported: Object.keys(PROVIDERS) });
    return p;
  }

  function configured(id: string): ResolvedProvider {
    const p = provider(id);
    if (!p.clientId) {
      throw new AppError(
        'INTEGRATION_NOT_CONFIGURED',
        `${p.name} is not configured on this instance: set ATOM_OAUTH_${id.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET`,
      );
    }
    return p;
  }

  function tokenFields(tenantId: string, id: string, t: TokenSet, fallbackScopes: string[]): repo.TokenFields {
    return {
      accessToken: seal(tenantId, id, t.access_token),
      refreshToken: t.refresh_token ? seal(tenantId, id, t.refresh_token) : null,
      tokenType: t.token_type ?? 'Bearer',
      scopes: t.scope ? t.scope.split(/[ ,]+/).filter(Boolean) : fallbackScopes,
      expiresAt: t.expires_in ? new Date(Date.now() + t.expires_in * 1000) : null,
    };
  }

  /** One refresh at a time per connection in this process; a dead grant marks the connection revoked. */
  /**
   * One refresh at a time per connection in this process; a dead grant marks the connection revoked.
   * Every failure is an AppError naming the provider (never a token): INTEGRATION_NOT_CONNECTED when
   * the user must connect again, OAUTH_EXCHANGE_FAILED when the provider could not be reached or refused otherwise.
   */
  function refresh(tenantId: string, id: string, row: repo.IntegrationRow): Promise<repo.IntegrationRow> {
    const key = `${tenantId}:${id}`;
    let running = refreshing.get(key);
    if (!running) {
      running = (async () => {
        const p = provider(id);
        // Refreshed since `row` was read (by a refresh that ended meanwhile): use that token, spend no second refresh.
        const current = await repo.getIntegration(ctx.db.as(tenantId), tenantId, id);
        if (current?.status === 'connected' && current.access_token && current.access_token !== row.access_token)
          return current;
        if (!row.refresh_token)
          throw new AppError(
            'INTEGRATION_NOT_CONNECTED',
            `The ${p.name} token expired and cannot be refreshed; connect again`,
            { provider: id, status: 'expired' },
          );
        try {
          const t = await refreshTokens(configured(id), unseal(tenantId, id, row.refresh_token));
          const f = tokenFields(tenantId, id, t, row.scopes);
          return await repo.saveRefresh(ctx.db.as(tenantId), tenantId, id, f);
        } catch (err) {
          if (err instanceof OAuthError && err.revoked) {
            await repo.markStatus(ctx.db.as(tenantId), tenantId, id, 'revoked', err.message);
            throw new AppError('INTEGRATION_NOT_CONNECTED', `Access to ${p.name} was revoked; connect again`, {
              provider: id,
              status: 'revoked',
              reason: err.message,
            });
          }
          if (err instanceof OAuthError || err instanceof TypeError || (err as Error)?.name === 'TimeoutError') {
            throw new AppError('OAUTH_EXCHANGE_FAILED', `Could not refresh the ${p.name} token`, {
              provider: id,
              reason: (err as Error).message,
            });
          }
          throw err;
        }
      })().finally(() => refreshing.delete(key));
      refreshing.set(key, running);
    }
    return running;
  }

  async function connectedRow(tenantId: string, id: string): Promise<repo.IntegrationRow> {
    const row = await repo.getIntegration(ctx.db.as(tenantId), tenantId, id);
    if (row?.status !== 'connected' || !row.access_token) {
      throw new AppError('INTEGRATION_NOT_CONNECTED', `${provider(id).name} is not connected for this tenant`, {
        provider: id,
        status: row?.status ?? 'not_connected',
      });
    }
    const expiring = row.expires_at && new Date(row.expires_at).getTime() - REFRESH_SKEW_MS <= Date.now();
    return expiring ? refresh(tenantId, id, row) : row;
  }

  return {
    async list(tenantId: string) {
      const rows = new Map((await repo.listIntegrations(ctx.db.as(tenantId), tenantId)).map((r) => [r.provider, r]));
      return Object.keys(PROVIDERS).map((id) => toView(provider(id), rows.get(id) ?? null));
    },

    async get(tenantId: string, id: string) {
      return toView(provider(id), await repo.getIntegration(ctx.db.as(tenantId), tenantId, id));
    },

    /** Starts the authorization-code flow with PKCE S256 and a single-use state bound to tenant and user. */
    async connect(
      tenantId: string,
      userId: string | null,
      id: string,
      opts: { scopes?: string[]; return_to?: string },
    ) {
      const p = configured(id);
      if (opts.return_to && !/^\/(?!\/)/.test(opts.return_to)) {
        throw new AppError('VALIDATION_ERROR', 'return_to must be a path on this server', { field: 'return_to' });
      }
      const state = randomBytes(24).toString('base64url');
      const { verifier, challenge } = pkcePair();
      const scopes = opts.scopes?.length ? opts.scopes : p.scopes;
      const expiresAt = new Date(Date.now() + STATE_TTL_MS);
      await repo.insertState(ctx.db.as(tenantId), tenantId, {
        hash: sha256Hex(state),
        provider: id,
        userId,
        verifier: seal(tenantId, id, verifier),
        redirectUri: redirectUri(id),
        scopes,
        returnTo: opts.return_to ?? null,
        expiresAt,
      });
      return {
        provider: id,
        authorization_url: authorizationUrl(p, { redirectUri: redirectUri(id), state, challenge, scopes }),
        state,
        redirect_uri: redirectUri(id),
        expires_at: expiresAt.toISOString(),
      };
    },

    /** The provider sends the browser back here. The state alone identifies tenant and user, once. */
    async callback(id: string, q: { code?: string; state?: string; error?: string; error_description?: string }) {
      const p = configured(id);
      if (!q.state) throw new AppError('OAUTH_STATE_INVALID', 'Missing state');
      const hash = sha256Hex(q.state);
      const st = await repo.claimState(ctx.db.as(SYSTEM), hash);
      if (!st) {
        const replay = await repo.stateExists(ctx.db.as(SYSTEM), hash);
        throw new AppError(
          'OAUTH_STATE_INVALID',
          replay ? 'This authorization state was already used' : 'Unknown authorization state',
        );
      }
      if (st.provider !== id || new Date(st.expires_at).getTime() < Date.now())
        throw new AppError('OAUTH_STATE_INVALID', 'Authorization state expired or issued for another provider');
      if (q.error)
        throw new AppError('OAUTH_DENIED', `${p.name} refused the authorization: ${q.error_description ?? q.error}`);
      if (!q.code) throw new AppError('VALIDATION_ERROR', 'Missing code', { field: 'code' });
      let tokens: TokenSet;
      try {
        tokens = await exchangeCode(p, q.code, unseal(st.tenant_id, id, st.code_verifier), st.redirect_uri);
      } catch (err) {
        throw new AppError('OAUTH_EXCHANGE_FAILED', `Could not exchange the code with ${p.name}`, {
          reason: (err as Error).message,
        });
      }
      const row = await ctx.db.tx(st.tenant_id, async (ex) => {
        const saved = await repo.saveConnection(
          ex,
          st.tenant_id,
          id,
          st.user_id,
          tokenFields(st.tenant_id, id, tokens, st.scopes),
        );
        await ctx.outbox.emit(ex, st.tenant_id, 'integration.connected', {
          provider: id,
          connected_by: st.user_id,
          scopes: saved.scopes,
        });
        return saved;
      });
      return { tenantId: st.tenant_id, returnTo: st.return_to, integration: toView(p, row) };
    },

    async disconnect(tenantId: string, id: string) {
      const p = provider(id);
      const row = await ctx.db.tx(tenantId, async (ex) => {
        const deleted = await repo.deleteIntegration(ex, tenantId, id);
        if (deleted?.access_token) await ctx.outbox.emit(ex, tenantId, 'integration.disconnected', { provider: id });
        return deleted;
      });
      const token = row?.refresh_token ?? row?.access_token;
      const revoked = token && p.clientId ? await revokeToken(p, unseal(tenantId, id, token)) : false;
      return { provider: id, disconnected: !!row, revoked_at_provider: revoked };
    },

    /** Calls the provider with the stored token; refreshes first when near expiry, and once on a 401. */
    async test(tenantId: string, id: string) {
      const p = configured(id);
      let row = await connectedRow(tenantId, id);
      let refreshed = !!row.refreshed_at && Date.now() - new Date(row.refreshed_at).getTime() < 5_000;
      let result = await probe(p, unseal(tenantId, id, row.access_token!));
      if (result.status === 401 && row.refresh_token) {
        row = await refresh(tenantId, id, row);
        refreshed = true;
        result = await probe(p, unseal(tenantId, id, row.access_token!));
      }
      if (!result.ok)
        await repo.markStatus(
          ctx.db.as(tenantId),
          tenantId,
          id,
          result.status === 401 ? 'revoked' : 'error',
          `test call answered HTTP ${result.status}`,
        );
      return { provider: id, ok: result.ok, status_code: result.status, refreshed };
    },

    /** For skills and tools running on the server: a valid access token and the settings. Never sent over HTTP. */
    async credentials(tenantId: string, id: string) {
      const row = await connectedRow(tenantId, id);
      return {
        access_token: unseal(tenantId, id, row.access_token!),
        token_type: row.token_type ?? 'Bearer',
        expires_at: row.expires_at,
        settings: row.settings,
      };
    },

    async getConfig(tenantId: string, id: string) {
      return toView(provider(id), await repo.getIntegration(ctx.db.as(tenantId), tenantId, id));
    },

    /**
     * The guide's set_integration_config: settings, and tokens obtained by a client-side flow (encrypted, never
     * returned).
     */
    async setConfig(
      tenantId: string,
      userId: string | null,
      id: string,
      c: {
        settings?: Record<string, unknown>;
        access_token?: string;
        refresh_token?: string;
        token_expires_at?: string;
        scopes?: string[];
      },
    ) {
      const p = provider(id);
      const row = await ctx.db.tx(tenantId, async (ex) => {
        let saved = c.settings
          ? await repo.saveSettings(ex, tenantId, id, c.settings)
          : await repo.getIntegration(ex, tenantId, id);
        if (c.access_token) {
          const expiresIn = c.token_expires_at
            ? Math.max(0, Math.floor((Date.parse(c.token_expires_at) - Date.now()) / 1000))
            : undefined;
          saved = await repo.saveConnection(
            ex,
            tenantId,
            id,
            userId,
            tokenFields(
              tenantId,
              id,
              { access_token: c.access_token, refresh_token: c.refresh_token, expires_in: expiresIn },
              c.scopes ?? p.scopes,
            ),
          );
          if (c.settings) saved = await repo.saveSettings(ex, tenantId, id, c.settings);
          await ctx.outbox.emit(ex, tenantId, 'integration.connected', {
            provider: id,
            connected_by: userId,
            scopes: saved.scopes,
          });
        }
        return saved;
      });
      return toView(p, row);
    },
  };
}
