import type { Session } from './session';

/** An API failure, with the server's error code and a sentence a person can act on. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details?: unknown,
  ) {
    super(message);
  }
}

let current: Session | null = null;
let onUnauthorized: () => void = () => {};

export function setApiSession(s: Session | null, unauthorized?: () => void) {
  current = s;
  if (unauthorized) onUnauthorized = unauthorized;
}

export function authHeaders(s: Session | null = current): Record<string, string> {
  if (!s) return {};
  if (s.mode === 'admin') return { 'X-Admin-Key': s.secret, ...(s.tenantId ? { 'X-Tenant-ID': s.tenantId } : {}) };
  if (s.mode === 'key') return { 'X-API-Key': s.secret };
  return { Authorization: `Bearer ${s.secret}` };
}

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  session?: Session | null,
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...authHeaders(session === undefined ? current : session),
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let json: {
    success?: boolean;
    code?: string;
    message?: string;
    error?: { code?: string; message?: string; details?: unknown };
  } | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok || json?.success === false) {
    const err = json?.error ?? {};
    const code = err.code ?? json?.code ?? `HTTP_${res.status}`;
    if (res.status === 401 && session === undefined) onUnauthorized();
    throw new ApiError(
      res.status,
      code,
      plainMessage(res.status, code, err.message ?? json?.message, err.details),
      err.details,
    );
  }
  return json as T;
}

/** The server's message, made plainer for the codes people meet most. */
function plainMessage(status: number, code: string, message: string | undefined, raw: unknown): string {
  const details = raw as { errors?: unknown; missing_dependencies?: unknown; message?: string } | null | undefined;
  switch (code) {
    case 'CONFIG_SCHEMA_INVALID': {
      const errors = (details?.errors ?? []) as { path?: unknown; message?: string }[];
      const parts = errors.map((e) => {
        const where = String(e.path ?? '/')
          .replace(/^\//, '')
          .replace(/\//g, '.');
        return `${where ? `"${where}"` : 'the configuration'} ${e.message ?? 'is invalid'}`;
      });
      return `The configuration does not fit this listing${parts.length ? `: ${parts.join('; ')}` : ''}.`;
    }
    case 'DEPENDENCY_MISSING':
      return (
        `Install what this needs ` +
        `first${details?.missing_dependencies ? `: ${[details.missing_dependencies].flat().join(', ')}` : ''}.`
      );
    case 'TENANT_LIMIT_EXCEEDED':
    case 'AGENT_LIMIT_EXCEEDED':
      return `${message ?? 'Your plan limit is reached.'} See Settings → Usage.`;
    case 'PLAN_RESTRICTED':
      return message ?? 'Your plan does not allow this. Upgrade to use it.';
    case 'VALIDATION_ERROR':
      return details?.message
        ? `Please check the form: ${details.message}.`
        : 'Please check the form: a field is missing or invalid.';
    case 'INVALID_API_KEY':
      return 'That API key is not valid (wrong, revoked or expired).';
    case 'INVALID_CREDENTIALS':
      return 'Wrong email or password.';
    case 'FORBIDDEN':
    case 'INSUFFICIENT_PERMISSIONS':
      return message ?? 'Your role does not allow this.';
  }
  if (status === 404 && code === 'NOT_FOUND') return 'This part of the server is not available on this instance yet.';
  if (status === 429) return 'Too many requests: wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return message ?? `Request failed (${status}).`;
}

export const qs = (params: Record<string, string | number | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
