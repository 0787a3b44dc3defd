import { randomUUID } from 'node:crypto';
import {
  ConnectionError,
  type ErrorDetails,
  errorFromResponse,
  MarketplaceError,
  RateLimitError,
  retryAfterSeconds,
  TimeoutError,
} from './errors.js';
import type { Route } from './routes.js';

/** Options every client takes. */
export interface ClientOptions {
  /**
   * The server, with or without the `/api` suffix the seeds write (`https://host/api`,
   * `https://host/api/federation` and `https://host` all mean `https://host`). Default:
   * `ATOM_BASE_URL` or `ATOM_URL` from the environment, else `http://localhost:3000`.
   */
  baseUrl?: string;
  /** An API key `sk-atom…`, sent as `X-API-Key`. */
  apiKey?: string;
  /** A user JWT or an API key, sent as `Authorization: Bearer …`. */
  apiToken?: string;
  /** Sent as `X-Tenant-ID`; the server refuses it when it is not the credential's tenant. */
  tenantId?: string;
  /** The platform admin key (`X-Admin-Key`), for reviewer operations. Never ship it in an application. */
  adminKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Per attempt, in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors (default 2). */
  maxRetries?: number;
  /** First backoff delay in ms (default 500); doubles each retry, with full jitter, up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  /** Upper bound of one wait, backoff or `Retry-After` (default 30 000). A longer `Retry-After` is not waited for. */
  maxRetryDelayMs?: number;
  /**
   * Retry a POST or PATCH after an answer that may mean it ran (500, 502, 504, a timeout, a reset
   * connection). On by default: every POST and PATCH carries an `Idempotency-Key`, reused by its
   * retries, and the server replays the first answer instead of running the write twice. Set
   * `false` against a server that does not honour the key. 429, 503 and refused connections are
   * always retried.
   */
  retryNonIdempotent?: boolean;
  /** A `fetch` implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key` on POST and PATCH; one is generated per call when absent and reused by its retries. */
  idempotencyKey?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Retries for this call only. */
  maxRetries?: number;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The body, with the agent API's `{success, data, meta}` envelope removed. */
  data: T;
  /** The body as received. */
  raw: unknown;
}

const DEFAULT_URL = 'http://localhost:3000';

/** `https://host/api/federation` → `https://host`: routes carry their full `/api/...` path. */
export function normaliseBaseUrl(input: string | undefined): string {
  const url = new URL(input ?? process.env.ATOM_BASE_URL ?? process.env.ATOM_URL ?? DEFAULT_URL);
  const parts = url.pathname.split('/');
  const api = parts.lastIndexOf('api');
  const path = (api >= 0 ? parts.slice(0, api) : parts).join('/').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

/** Fills `{name}` placeholders of a route path. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === '') throw new TypeError(`missing path parameter '${name}' for ${path}`);
    return encodeURIComponent(v);
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    qs.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** `AbortSignal.any` (Node >= 20.3), with a fallback for older Node 20 releases. */
function anySignal(...signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const ac = new AbortController();
  for (const s of signals) {
    if (s.aborted) return AbortSignal.abort(s.reason);
    s.addEventListener('abort', () => ac.abort(s.reason), { once: true });
  }
  return ac.signal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * The one HTTP layer of the SDK: auth headers, timeouts (AbortSignal), retries with exponential
 * backoff and full jitter on 429/5xx/network errors honouring `Retry-After` (POST and PATCH only
 * (writes too: the server replays by `Idempotency-Key`; `retryNonIdempotent: false` limits writes to retries that cannot have run), an `Idempotency-Key` on every
 * POST (the same key on each retry), and typed errors from the server's envelope.
 */
export class Transport {
  readonly baseUrl: string;
  private readonly opts: ClientOptions;
  private readonly doFetch: typeof fetch;

  constructor(opts: ClientOptions = {}) {
    this.opts = opts;
    this.baseUrl = normaliseBaseUrl(opts.baseUrl);
    this.doFetch = opts.fetch ?? ((...args) => fetch(...args));
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', 'user-agent': '@atom-platform/sdk/0.1.0' };
    if (this.opts.apiKey) h['x-api-key'] = this.opts.apiKey;
    if (this.opts.apiToken) h.authorization = `Bearer ${this.opts.apiToken}`;
    if (this.opts.tenantId) h['x-tenant-id'] = this.opts.tenantId;
    if (this.opts.adminKey) h['x-admin-key'] = this.opts.adminKey;
    return { ...h, ...(this.opts.headers ?? {}), ...extra };
  }

  /** Calls one route; answers the unwrapped body or throws a `MarketplaceError` subclass. */
  async call<T = unknown>(route: Route, o: RequestOptions = {}): Promise<T> {
    return (await this.request<T>(route, o)).data;
  }

  async request<T = unknown>(route: Route, o: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = `${this.baseUrl}${fillPath(route.path, o.params)}${queryString(o.query)}`;
    return this.send<T>(route.method, url, o, o.params ? Object.values(o.params)[0] : undefined);
  }

  /** An absolute or server-relative URL (a `poll_url`), GET. */
  async get<T = unknown>(pathOrUrl: string, o: RequestOptions = {}): Promise<T> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    return (await this.send<T>('GET', url, o)).data;
  }

  private async send<T>(method: string, url: string, o: RequestOptions, componentId?: string): Promise<ApiResponse<T>> {
    const headers = this.headers(o.headers);
    let body: string | undefined;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    if (method === 'POST' || method === 'PATCH') headers['idempotency-key'] = o.idempotencyKey ?? randomUUID();
    const retries = o.maxRetries ?? this.opts.maxRetries ?? 2;
    for (let attempt = 0; ; attempt += 1) {
      let failure: MarketplaceError;
      try {
        const res = await this.attempt(method, url, headers, body, o);
        const parsed = await parseBody(res);
        if (res.ok) return { status: res.status, headers: res.headers, raw: parsed, data: unwrap(parsed) as T };
        failure = errorFromBody(res, parsed, componentId);
      } catch (err) {
        if (!(err instanceof MarketplaceError) || o.signal?.aborted) throw err;
        failure = err;
      }
      const wait = this.retryDelay(failure, attempt, retries, method);
      if (wait === null) throw failure;
      await sleep(wait, o.signal);
    }
  }

  private async attempt(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    o: RequestOptions,
  ): Promise<Response> {
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = o.signal ? anySignal(o.signal, timeout) : timeout;
    try {
      return await this.doFetch(url, { method, headers, body, signal });
    } catch (err) {
      if (o.signal?.aborted) throw err;
      if (timeout.aborted)
        throw new TimeoutError({
          code: 'TIMEOUT',
          status: 0,
          message: `${method} ${url} did not answer within ${timeoutMs} ms`,
        });
      const cause = err instanceof Error ? (err.cause as (Error & { code?: string }) | undefined) : undefined;
      const refused = cause?.code === 'ECONNREFUSED';
      throw new ConnectionError({
        code: refused ? 'CONNECTION_REFUSED' : 'CONNECTION_ERROR',
        status: 0,
        message: `${method} ${url} failed: ${cause?.message ?? String(err)}`,
      });
    }
  }

  /** ms to wait before the next attempt, or null when the failure is final. */
  private retryDelay(err: MarketplaceError, attempt: number, retries: number, method: string): number | null {
    if (attempt >= retries) return null;
    const retryable = err.status === 0 || err instanceof RateLimitError || (err.status >= 500 && err.status !== 501);
    if (!retryable) return null;
    // The request surely did not run: refused by the rate limiter, the server unavailable, or never connected.
    const notRun = err instanceof RateLimitError || err.status === 503 || err.code === 'CONNECTION_REFUSED';
    if ((method === 'POST' || method === 'PATCH') && !notRun && this.opts.retryNonIdempotent === false) return null;
    const cap = this.opts.maxRetryDelayMs ?? 30_000;
    const after = retryAfterSeconds(err.headers, err.details);
    if (after !== undefined) {
      const ms = after * 1000;
      return ms > cap ? null : ms + Math.random() * Math.min(250, ms * 0.1);
    }
    const base = this.opts.retryDelayMs ?? 500;
    return Math.random() * Math.min(cap, base * 2 ** attempt);
  }
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  if ((res.headers.get('content-type') ?? '').includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** `{success:true, data}` → data; every other body as is. */
export function unwrap(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (
      b.success === true &&
      'data' in b &&
      Object.keys(b).every((k) => k === 'success' || k === 'data' || k === 'meta')
    )
      return b.data;
  }
  return body;
}

/** The server's envelope `{success:false,error:{code,message,details}}`, or the marketplace `{error:"…",code}` form. */
function errorFromBody(res: Response, body: unknown, componentId?: string): MarketplaceError {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const e = (b.error && typeof b.error === 'object' ? b.error : b) as Record<string, unknown>;
  const code = typeof e.code === 'string' ? e.code : `HTTP_${res.status}`;
  const message =
    typeof e.message === 'string'
      ? e.message
      : typeof b.error === 'string'
        ? b.error
        : typeof body === 'string' && body
          ? body.slice(0, 500)
          : res.statusText || code;
  const details = (e.details && typeof e.details === 'object' ? e.details : undefined) as ErrorDetails;
  return errorFromResponse({
    code,
    message,
    status: res.status,
    details,
    requestId: (b.meta as { request_id?: string } | undefined)?.request_id,
    headers: res.headers,
    componentId,
  });
}
