/**
 * Completes every operation of the OpenAPI document, whoever wrote the route: a stable camelCase
 * `operationId` (from method and path), a summary, tags by module, and the error responses the
 * platform can answer (400, 401, 403, 404, 429) with the envelope schema. Routes keep whatever
 * they declare themselves; this only fills what is missing, so routes added later get it too.
 */
import type { RouteOptions } from 'fastify';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ in?: string }>;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};
type Doc = { paths?: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'] as const;
const VERB: Record<string, string> = {
  get: 'Get',
  put: 'Replace',
  post: 'Post to',
  delete: 'Delete',
  patch: 'Update',
  options: 'Options of',
};
const ERRORS: Record<string, string> = {
  400: 'Invalid input (VALIDATION_ERROR, INVALID_INPUT, …)',
  401: 'Missing or invalid credentials (AUTH_REQUIRED, INVALID_API_KEY, …)',
  403: 'Not allowed for this credential (FORBIDDEN, INSUFFICIENT_PERMISSIONS, TENANT_MISMATCH, …)',
  404: 'Not found (NOT_FOUND or the resource’s *_NOT_FOUND code)',
  429: 'Rate limit or quota exceeded (RATE_LIMIT_EXCEEDED; see Retry-After)',
};

const words = (segment: string) => segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
const pascal = (segment: string) =>
  words(segment)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
const segmentsOf = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .filter((s, i) => !(i === 0 && s === 'api'));

/** `GET /api/agents/{id}/executions` → `getAgentsByIdExecutions`. */
export function operationIdOf(method: string, path: string): string {
  const parts = segmentsOf(path).map((s) => (/^\{.+\}$/.test(s) ? `By${pascal(s.slice(1, -1))}` : pascal(s)));
  return method.toLowerCase() + parts.join('');
}

/** `POST /api/skills/approve/{id}` → `Post to skills approve by id`, for routes that wrote none. */
export function summaryOf(method: string, path: string): string {
  const text = segmentsOf(path)
    .map((s) => (/^\{.+\}$/.test(s) ? `by ${words(s).join(' ')}` : words(s).join(' ')))
    .join(' ');
  return `${VERB[method] ?? method.toUpperCase()} ${text || 'root'}`;
}

/** The module a path belongs to: `/api/v1/domains/marketplace/…` → `Domains`. */
export function tagOf(path: string): string {
  const rest = segmentsOf(path).filter((s) => !/^v\d+$/.test(s) && s !== 'public' && !s.startsWith('{'));
  const first = rest[0] ?? 'root';
  return words(first)
    .map((w, i) => (i === 0 ? w[0].toUpperCase() + w.slice(1) : w))
    .join(' ');
}

const errorResponse = (code: string) => ({
  description: ERRORS[code],
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** What the guard knows about each route, keyed `METHOD /openapi/{path}`. */
export class OperationCatalogue {
  private readonly auth = new Map<string, string>();

  /** For an onRoute hook: remembers each route's `config.auth` (default `tenant`). */
  add(route: Pick<RouteOptions, 'method' | 'url' | 'config'>) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const m of [route.method].flat())
      this.auth.set(
        `${String(m).toLowerCase()} ${path}`,
        (route.config as { auth?: string } | undefined)?.auth ?? 'tenant',
      );
  }

  private errorsFor(method: string, path: string, op: Operation): string[] {
    const codes = ['429'];
    if ((op.parameters?.length ?? 0) > 0 || op.requestBody) codes.push('400');
    if ((this.auth.get(`${method} ${path}`) ?? 'tenant') !== 'public') codes.push('401', '403');
    if (path.includes('{')) codes.push('404');
    return codes.sort();
  }

  /** For `@fastify/swagger`'s transformObject: fills ids, summaries, tags and error responses. */
  complete<T extends Doc>(doc: T): T {
    const taken = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        let id = op.operationId ?? operationIdOf(method, path);
        for (let n = 2; taken.has(id); n += 1) id = `${operationIdOf(method, path)}${n}`;
        taken.add(id);
        op.operationId = id;
        op.summary ||= summaryOf(method, path);
        if (!op.tags?.length) op.tags = [tagOf(path)];
        op.responses ??= {};
        for (const code of this.errorsFor(method, path, op)) op.responses[code] ??= errorResponse(code);
      }
    }
    return doc;
  }
}
