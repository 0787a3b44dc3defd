import { camelKeys, snakeKeys } from './case.js';
import type { MarketplaceError } from './errors.js';
import { type Page, toPage } from './pagination.js';
import type { Route } from './routes.js';
import type { RequestOptions, Transport } from './transport.js';

/**
 * A marketplace record in camelCase (`avgRating`, `componentId`, …). Fields beyond `id` depend on
 * the kind; user data (configs, schemas, content) keeps its own keys.
 */
export interface Component {
  id: string;
  name?: string;
  description?: string;
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

export interface ListOptions {
  marketplaceType?: 'public' | 'private';
  query?: string;
  category?: string;
  capability?: string;
  minRating?: number;
  tags?: string[] | string;
  page?: number;
  pageSize?: number;
  limit?: number;
  offset?: number;
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

export interface PublishAgentOptions {
  agentId: string;
  marketplaceType: 'public' | 'private';
  name: string;
  description: string;
  capabilities?: string[];
  maturityLevel?: 'student' | 'intern' | 'supervised' | 'autonomous';
  pricingTier?: 'free' | 'solo' | 'team' | 'enterprise';
  tags?: string[];
  documentationUrl?: string;
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

export interface InstallConfig {
  apiKeys?: Record<string, string>;
  settings?: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

export interface InstallAgentOptions {
  agentId: string;
  sourceTenantId?: string;
  targetTenantId?: string;
  installConfig?: InstallConfig;
  // biome-ignore lint/suspicious/noExplicitAny: undeclared response fields stay readable (the seeds' examples)
  [key: string]: any;
}

export interface PublishResult extends Component {
  componentId: string;
  status: string;
}
export interface InstallResult extends Component {
  status: string;
  installationId?: string;
}

export interface BulkInstallResult<T = InstallResult> {
  results: Array<{ id: string; ok: true; result: T } | { id: string; ok: false; error: MarketplaceError }>;
  succeeded: number;
  failed: number;
}

/** page/pageSize (seeds) → the server's page, limit and offset. */
export function listQuery(o: ListOptions = {}): Record<string, unknown> {
  const { page, pageSize, limit, offset, ...rest } = o;
  const size = pageSize ?? limit;
  const q: Record<string, unknown> = snakeKeys(rest);
  // The kinds page differently (limit/offset, page/page_size, page/limit): send every form.
  if (size !== undefined) {
    q.limit = size;
    q.page_size = size;
  }
  if (page !== undefined) {
    q.page = page;
    q.offset = offset ?? (page - 1) * (size ?? 20);
  } else if (offset !== undefined) q.offset = offset;
  return q;
}

/** Adds the seeds' `componentId` / `installationId` to whichever id the kind's route answers. */
export function withIds<T = unknown>(r: Record<string, unknown>): T & PublishResult & InstallResult {
  const componentId = r.componentId ?? r.marketplaceId ?? r.templateId ?? r.domainId ?? r.skillId ?? r.agentId ?? r.id;
  const installationId = r.installationId ?? r.installId;
  return {
    ...r,
    ...(componentId !== undefined ? { componentId } : {}),
    ...(installationId !== undefined ? { installationId } : {}),
  } as T & PublishResult & InstallResult;
}

/** Runs `fn` over `ids` with bounded concurrency; one failure does not stop the others. */
export async function bulk<T>(
  ids: string[],
  fn: (id: string) => Promise<T>,
  concurrency = 4,
): Promise<BulkInstallResult<T>> {
  const results: BulkInstallResult<T>['results'] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      try {
        results[i] = { id: ids[i], ok: true, result: await fn(ids[i]) };
      } catch (error) {
        if (!(error instanceof Error) || !('code' in error)) throw error;
        results[i] = { id: ids[i], ok: false, error: error as MarketplaceError };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, ids.length)) }, worker));
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

/** The transport plus camelCase conversion, shared by every marketplace kind. */
export class MarketplaceBase {
  constructor(readonly t: Transport) {}

  /** Calls a route and converts the answer to camelCase. */
  async camel<T = Component>(route: Route, o: RequestOptions = {}): Promise<T> {
    return camelKeys<T>(await this.t.call(route, o));
  }

  async list<T = Component>(route: Route, o: ListOptions = {}, extra: RequestOptions = {}): Promise<Page<T>> {
    return toPage<T>(await this.t.call(route, { ...extra, query: listQuery(o) }), (v) => camelKeys<T>(v));
  }
}

export { snakeKeys };
