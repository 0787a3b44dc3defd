/**
 * One error type for the whole server. Services throw `AppError(code, message, details)`; the
 * central handler turns it into the envelope, with the HTTP status from the table below.
 */
export const ERROR_STATUS: Record<string, number> = {
  // authentication
  AUTH_REQUIRED: 401,
  UNAUTHORIZED: 401,
  INVALID_API_KEY: 401,
  EXPIRED_TOKEN: 401,
  INVALID_CREDENTIALS: 401,
  FEDERATION_KEY_INVALID: 401,
  // authorisation
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  INSUFFICIENT_PERMISSIONS: 403,
  TENANT_MISMATCH: 403,
  TENANT_SUSPENDED: 403,
  NOT_OWNER: 403,
  CANNOT_RATE_OWN_LISTING: 403,
  PLAN_RESTRICTED: 403,
  GOVERNANCE_DENIED: 403,
  GOVERNANCE_VIOLATION: 403,
  PENDING_APPROVAL: 403,
  APPROVAL_REQUIRED: 403,
  PACKAGE_NOT_WHITELISTED: 403,
  PACKAGE_VULNERABILITY: 403,
  // not found
  NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  EXECUTION_NOT_FOUND: 404,
  SKILL_NOT_FOUND: 404,
  COMPONENT_NOT_FOUND: 404,
  TEMPLATE_NOT_FOUND: 404,
  DOMAIN_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  EPISODE_NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  PEER_NOT_FOUND: 404,
  INTEGRATION_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  TOOL_NOT_FOUND: 404,
  WORKFLOW_NOT_FOUND: 404,
  WORKFLOW_RUN_NOT_FOUND: 404,
  CANVAS_NOT_FOUND: 404,
  // bad input
  VALIDATION_ERROR: 400,
  INVALID_INPUT: 400,
  INVALID_LIMIT: 400,
  INVALID_VERSION: 400,
  INVALID_CONFIGURATION: 400,
  CONFIG_SCHEMA_INVALID: 400,
  INPUT_VALIDATION_FAILED: 400,
  MISSING_REQUIRED_FIELD: 400,
  INVALID_ENUM_VALUE: 400,
  WEBHOOK_VERIFICATION_FAILED: 400,
  INVALID_SIGNATURE: 401,
  INVALID_JSON: 400,
  OAUTH_STATE_INVALID: 400,
  OAUTH_DENIED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  URI_TOO_LONG: 414,
  // conflicts
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  ALREADY_PUBLISHED: 409,
  RATING_EXISTS: 409,
  DUPLICATE_ENTRY: 409,
  CONFLICTING_OPERATION: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  EMAIL_TAKEN: 409,
  NOT_ELIGIBLE: 409,
  INTEGRATION_NOT_CONNECTED: 409,
  // unprocessable
  INSTALL_FAILED: 422,
  PACKAGE_INSTALL_FAILED: 422,
  DEPENDENCY_MISSING: 422,
  SKILL_TYPE_NOT_EXECUTABLE: 422,
  SKILL_OUTPUT_TOO_LARGE: 422,
  // federation bundles that fail verification (docs/federation.md)
  BUNDLE_INVALID: 422,
  BUNDLE_SOURCE_MISMATCH: 422,
  BUNDLE_DIGEST_MISMATCH: 422,
  BUNDLE_SIGNATURE_INVALID: 422,
  BUNDLE_EXPIRED: 422,
  BUNDLE_REPLAYED: 422,
  // quotas and limits
  RATE_LIMIT_EXCEEDED: 429,
  EXAM_COOLDOWN: 429,
  TENANT_LIMIT_EXCEEDED: 429,
  AGENT_LIMIT_EXCEEDED: 429,
  SKILL_LIMIT_EXCEEDED: 429,
  LLM_TOKEN_LIMIT_EXCEEDED: 429,
  WORKFLOW_RUN_LIMIT_EXCEEDED: 429,
  SANDBOX_BUSY: 429,
  MCP_SESSION_LIMIT: 429,
  // server
  EXECUTION_FAILED: 500,
  INTERNAL_ERROR: 500,
  OAUTH_EXCHANGE_FAILED: 502,
  FEDERATION_PEER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  INTEGRATION_NOT_CONFIGURED: 503,
  MAINTENANCE_MODE: 503,
  MARKETPLACE_DISABLED: 503,
};

export type ErrorDetails = Record<string, unknown> | undefined;

export class AppError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;
  readonly status: number;
  /** Extra response headers (Retry-After, …). */
  readonly headers: Record<string, string>;

  constructor(code: string, message: string, details?: ErrorDetails, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.status = ERROR_STATUS[code] ?? 500;
    this.headers = headers;
  }
}

export const notFound = (code: string, what: string, id: string) =>
  new AppError(code, `${what} with ID '${id}' not found`, { id });

/** Postgres unique violation (23505), for turning races into 409s. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
