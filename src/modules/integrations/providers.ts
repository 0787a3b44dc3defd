import type { Config, OAuthSettings } from '../../config.js';

/**
 * The OAuth providers ATOM connects to, in one table. Every endpoint can be overridden from the
 * environment (ATOM_OAUTH_<PROVIDER>_AUTHORIZE_URL, …) for self-hosted providers and tests.
 */
export interface ProviderSpec {
  id: string;
  name: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string | null;
  /** A cheap authenticated GET that proves the token works. */
  testUrl: string;
  scopes: string[];
  /** Extra authorize parameters (offline access and the like). */
  extraParams?: Record<string, string>;
}

export const PROVIDERS: Record<string, ProviderSpec> = {
  airtable: {
    id: 'airtable',
    name: 'Airtable',
    authorizeUrl: 'https://airtable.com/oauth2/v1/authorize',
    tokenUrl: 'https://airtable.com/oauth2/v1/token',
    revokeUrl: null,
    testUrl: 'https://api.airtable.com/v0/meta/whoami',
    scopes: ['data.records:read', 'data.records:write', 'schema.bases:read'],
  },
  google: {
    id: 'google',
    name: 'Google',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    testUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    scopes: ['openid', 'email', 'profile'],
    extraParams: { access_type: 'offline', prompt: 'consent' },
  },
  slack: {
    id: 'slack',
    name: 'Slack',
    authorizeUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    revokeUrl: 'https://slack.com/api/auth.revoke',
    testUrl: 'https://slack.com/api/auth.test',
    scopes: ['channels:read', 'chat:write'],
  },
  salesforce: {
    id: 'salesforce',
    name: 'Salesforce',
    authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    revokeUrl: 'https://login.salesforce.com/services/oauth2/revoke',
    testUrl: 'https://login.salesforce.com/services/oauth2/userinfo',
    scopes: ['api', 'refresh_token'],
  },
  github: {
    id: 'github',
    name: 'GitHub',
    authorizeUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    revokeUrl: null,
    testUrl: 'https://api.github.com/user',
    scopes: ['read:user', 'repo'],
  },
  microsoft: {
    id: 'microsoft',
    name: 'Microsoft',
    authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    revokeUrl: null,
    testUrl: 'https://graph.microsoft.com/v1.0/me',
    scopes: ['offline_access', 'User.Read'],
  },
};

export interface ResolvedProvider extends ProviderSpec {
  clientId: string | null;
  clientSecret: string | null;
}

/** The provider with this instance's client credentials and endpoint overrides applied. */
export function resolveProvider(config: Pick<Config, 'oauth'>, id: string): ResolvedProvider | null {
  const spec = PROVIDERS[id];
  if (!spec) return null;
  const o: OAuthSettings = config.oauth[id] ?? {};
  return {
    ...spec,
    authorizeUrl: o.authorizeUrl ?? spec.authorizeUrl,
    tokenUrl: o.tokenUrl ?? spec.tokenUrl,
    revokeUrl: o.revokeUrl ?? spec.revokeUrl,
    testUrl: o.testUrl ?? spec.testUrl,
    clientId: o.clientId ?? null,
    clientSecret: o.clientSecret ?? null,
  };
}
