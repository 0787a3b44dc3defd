import { createHash, randomBytes } from 'node:crypto';
import type { ResolvedProvider } from './providers.js';

/** The OAuth 2.0 wire protocol (RFC 6749 + PKCE RFC 7636), with no storage and no tenants. */
export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
}

export class OAuthError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly oauthError: string | null,
  ) {
    super(message);
  }
  /** The grant is gone for good: the user revoked access or the refresh token expired. */
  get revoked() {
    return this.oauthError === 'invalid_grant' || this.status === 401;
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizationUrl(
  p: ResolvedProvider,
  a: { redirectUri: string; state: string; challenge: string; scopes: string[] },
): string {
  const url = new URL(p.authorizeUrl);
  const params = {
    response_type: 'code',
    client_id: p.clientId!,
    redirect_uri: a.redirectUri,
    state: a.state,
    scope: a.scopes.join(' '),
    code_challenge: a.challenge,
    code_challenge_method: 'S256',
    ...(p.extraParams ?? {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function tokenRequest(p: ResolvedProvider, form: Record<string, string>): Promise<TokenSet> {
  const body = new URLSearchParams({ ...form, client_id: p.clientId! });
  if (p.clientSecret) body.set('client_secret', p.clientSecret);
  const res = await fetch(p.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json().catch(() => ({}))) as Partial<TokenSet> & {
    error?: string;
    error_description?: string;
  };
  if (!res.ok || json.error || typeof json.access_token !== 'string') {
    const reason = json.error_description ?? json.error ?? `HTTP ${res.status}`;
    throw new OAuthError(`token endpoint refused: ${reason}`, res.status, json.error ?? null);
  }
  return json as TokenSet;
}

export function exchangeCode(
  p: ResolvedProvider,
  code: string,
  verifier: string,
  redirectUri: string,
): Promise<TokenSet> {
  return tokenRequest(p, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
}

export function refreshTokens(p: ResolvedProvider, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(p, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Best effort: a provider that cannot revoke still loses our copy of the token. */
export async function revokeToken(p: ResolvedProvider, token: string): Promise<boolean> {
  if (!p.revokeUrl) return false;
  const body = new URLSearchParams({ token, client_id: p.clientId! });
  if (p.clientSecret) body.set('client_secret', p.clientSecret);
  const res = await fetch(p.revokeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  return !!res?.ok;
}

/** An authenticated GET; the status tells whether the token is accepted. */
export async function probe(p: ResolvedProvider, accessToken: string): Promise<{ status: number; ok: boolean }> {
  const res = await fetch(p.testUrl, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer().catch(() => undefined);
  return { status: res.status, ok: res.ok };
}
