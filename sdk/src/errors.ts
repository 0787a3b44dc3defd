/**
 * Typed errors, mapped from the server's envelope
 * `{"success":false,"error":{"code","message","details"},"meta":{"request_id"}}`.
 * Every error the SDK throws for an HTTP answer is a `MarketplaceError` (alias `AtomError`);
 * network failures and timeouts are `ConnectionError` / `TimeoutError`, also subclasses.
 */

export type ErrorDetails = Record<string, unknown> | undefined;

export interface ErrorInit {
  code: string;
  message: string;
  status: number;
  details?: ErrorDetails;
  requestId?: string;
  headers?: Headers;
}

export class MarketplaceError extends Error {
  readonly code: string;
  /** HTTP status; 0 when no answer arrived (network error, timeout). */
  readonly status: number;
  readonly details: ErrorDetails;
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;

  constructor(init: ErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.requestId = init.requestId;
    this.headers = init.headers;
  }
}

/** The same base class under the agent API's name. */
export { MarketplaceError as AtomError };

/** 429. `retryAfter` in seconds, from `Retry-After`, else `details.retry_after`. */
export class RateLimitError extends MarketplaceError {
  readonly retryAfter: number;
  constructor(init: ErrorInit) {
    super(init);
    this.retryAfter = retryAfterSeconds(init.headers, init.details) ?? 60;
  }
}

/** A quota of the plan (agents, installed skills, daily skill executions, daily model tokens): 429 too, never retried. */
export class QuotaExceededError extends MarketplaceError {}

export class AuthenticationError extends MarketplaceError {}

/** 403 INSUFFICIENT_PERMISSIONS / INSUFFICIENT_SCOPE; `requiredPermission` from the details. */
export class InsufficientPermissionsError extends MarketplaceError {
  readonly requiredPermission: string | undefined;
  constructor(init: ErrorInit) {
    super(init);
    const d = init.details ?? {};
    this.requiredPermission = str(d.required_permission) ?? str(d.required_scope) ?? str(d.permission);
  }
}

/** 403 from governance (GOVERNANCE_DENIED, GOVERNANCE_VIOLATION, APPROVAL_REQUIRED, PENDING_APPROVAL). */
export class GovernanceDeniedError extends MarketplaceError {}

/** 403 PLAN_RESTRICTED: the feature is not in the tenant's plan. */
export class PlanRestrictedError extends MarketplaceError {}

export class NotFoundError extends MarketplaceError {}

/** 404 for a marketplace component (COMPONENT_NOT_FOUND, SKILL_NOT_FOUND, TEMPLATE_NOT_FOUND, …). */
export class ComponentNotFoundError extends NotFoundError {
  readonly componentId: string | undefined;
  constructor(init: ErrorInit & { componentId?: string }) {
    super(init);
    const d = init.details ?? {};
    this.componentId =
      str(d.component_id) ?? str(d.skill_id) ?? str(d.template_id) ?? str(d.domain_id) ?? str(d.id) ?? init.componentId;
  }
}

/** 400/422 bad input; `details` carries the field or the validator's errors. */
export class ValidationError extends MarketplaceError {}

export class ConflictError extends MarketplaceError {}

/** 422 DEPENDENCY_MISSING. */
export class DependencyMissingError extends MarketplaceError {}

export class ServerError extends MarketplaceError {}

/** No HTTP answer: DNS, refused connection, reset. */
export class ConnectionError extends MarketplaceError {}

/** The request did not finish within `timeoutMs`. */
export class TimeoutError extends MarketplaceError {}

/** A downloaded federation bundle failed its digest or signature check. */
export class BundleVerificationError extends MarketplaceError {}

const COMPONENT_CODES = new Set([
  'COMPONENT_NOT_FOUND',
  'SKILL_NOT_FOUND',
  'TEMPLATE_NOT_FOUND',
  'DOMAIN_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'CANVAS_NOT_FOUND',
  'WORKFLOW_NOT_FOUND',
  'LISTING_NOT_FOUND',
  'INSTALLATION_NOT_FOUND',
]);
const GOVERNANCE_CODES = new Set([
  'GOVERNANCE_DENIED',
  'GOVERNANCE_VIOLATION',
  'APPROVAL_REQUIRED',
  'PENDING_APPROVAL',
]);
const QUOTA_CODES = new Set([
  'AGENT_LIMIT_EXCEEDED',
  'SKILL_LIMIT_EXCEEDED',
  'LLM_TOKEN_LIMIT_EXCEEDED',
  'TENANT_LIMIT_EXCEEDED',
  'EXAM_COOLDOWN',
]);

/** The error class for one server answer. `componentId` is the id in the request path, when any. */
export function errorFromResponse(init: ErrorInit & { componentId?: string }): MarketplaceError {
  const { code, status } = init;
  if (status === 429 && QUOTA_CODES.has(code)) return new QuotaExceededError(init);
  if (status === 429 || code === 'RATE_LIMIT_EXCEEDED') return new RateLimitError(init);
  if (status === 401) return new AuthenticationError(init);
  if (code === 'INSUFFICIENT_PERMISSIONS' || code === 'INSUFFICIENT_SCOPE')
    return new InsufficientPermissionsError(init);
  if (GOVERNANCE_CODES.has(code)) return new GovernanceDeniedError(init);
  if (code === 'PLAN_RESTRICTED') return new PlanRestrictedError(init);
  if (status === 404 && COMPONENT_CODES.has(code)) return new ComponentNotFoundError(init);
  if (status === 404) return new NotFoundError(init);
  if (code === 'DEPENDENCY_MISSING') return new DependencyMissingError(init);
  if (status === 400 || status === 422) return new ValidationError(init);
  if (status === 403) return new InsufficientPermissionsError(init);
  if (status === 409) return new ConflictError(init);
  if (status >= 500) return new ServerError(init);
  return new MarketplaceError(init);
}

/** Seconds to wait from `Retry-After` (seconds or an HTTP date), else `details.retry_after`. */
export function retryAfterSeconds(headers: Headers | undefined, details?: ErrorDetails): number | undefined {
  const raw = headers?.get('retry-after');
  if (raw) {
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) return n;
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const d = details?.retry_after;
  return typeof d === 'number' && d >= 0 ? d : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
