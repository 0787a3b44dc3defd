import type { FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

/**
 * What the server's logs may hold. Every log line goes through three guards:
 * - credential-looking keys (password, secret, token, api_key, authorization, cookie, private_key,
 *   X-Admin-Key, X-API-Key, …) anywhere in a logged object become "[REDACTED]" (`redactDeep`,
 *   and pino's `redact` paths for the places the serializers write);
 * - an error is logged as its type, message, code, stack and SQL statement: never the statement's
 *   parameter values, the database's `detail` ("Failing row contains (…)", "Key (email)=(…)") or
 *   other fields a driver attaches; a data error's quoted value is cut from its message;
 * - a request URL's credential-looking query parameters and API keys or bearer tokens written in
 *   message text are masked.
 */
export const REDACTED = '[REDACTED]';

/** Key names that hold a secret, as the last word of a key (`db_password`, `x-api-key`, `clientSecret`). */
const SECRET_WORDS = [
  'pass(word|wd)?',
  'pwd',
  'secrets?',
  'tokens?',
  'api[_-]?keys?',
  'apikey',
  'private[_-]?key',
  'client[_-]?secret',
  'authorization',
  'cookies?',
  'credentials?',
  'admin[_-]?key',
  'federation[_-]?key',
  'encryption[_-]?key',
  'signing[_-]?key',
  'session[_-]?id',
  'jwt',
];
const SECRET_KEY = new RegExp(`(^|[_\\-.])(${SECRET_WORDS.join('|')})$`, 'i');
const NOT_SECRET = /^(prompt|completion|total|max|input|output)_tokens$|^tokens_used$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/** API keys and bearer tokens written into free text. */
export function maskSecretsInText(text: string): string {
  return text
    .replace(/sk-atom[A-Za-z0-9]{8,}/g, 'sk-atom[REDACTED]')
    .replace(/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${REDACTED}`);
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * A copy of plain objects and arrays with credential-looking keys redacted; other objects are left to their serializer.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactDeep(v, depth + 1);
  return out;
}

/** A request URL with the values of credential-looking query parameters masked. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decodeURIComponentSafe(eq < 0 ? pair : pair.slice(0, eq));
      return eq >= 0 && isSecretKey(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** SQLSTATE class 22 (data exception) messages quote the rejected value: `invalid input syntax for type uuid: "…"`. */
function safeMessage(message: string, code: unknown): string {
  const text = maskSecretsInText(message);
  return typeof code === 'string' && code.startsWith('22') ? text.replace(/"[^"]*"/g, `"${REDACTED}"`) : text;
}

interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  statusCode?: unknown;
  statement?: string;
  table?: unknown;
  constraint?: unknown;
  details?: unknown;
  cause?: LoggedError;
}

/** The error serializer: an allow-list of fields, never SQL parameters or database detail. */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return redactDeep(err);
  const e = err as Error & Record<string, unknown>;
  const message = safeMessage(e.message ?? '', e.code);
  const out: LoggedError = { type: e.name ?? e.constructor?.name ?? 'Error', message };
  if (typeof e.stack === 'string') out.stack = maskSecretsInText(e.stack.replace(e.message, message));
  if (e.code !== undefined) out.code = e.code;
  if (e.statusCode !== undefined) out.statusCode = e.statusCode;
  // PGlite attaches the statement as `query`; its `params` and the server's `detail` are left out.
  if (typeof e.query === 'string') out.statement = e.query;
  if (e.table !== undefined) out.table = e.table;
  if (e.constraint !== undefined) out.constraint = e.constraint;
  if (e.details !== undefined) out.details = redactDeep(e.details);
  if (e.cause instanceof Error && depth < 3) out.cause = serializeError(e.cause, depth + 1) as LoggedError;
  return out;
}

/** Like Fastify's request serializer, with secrets in the query string masked. */
function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

const HEADERS = [
  'authorization',
  'x-api-key',
  'x-admin-key',
  'x-federation-key',
  'x-test-secret',
  'cookie',
  'set-cookie',
  'proxy-authorization',
];

/** The logger options the server is built with; `stream` lets tests read the lines. */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        ...HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]),
        '*.password',
        '*.secret',
        '*.token',
        '*.api_key',
        '*.client_secret',
        '*.private_key',
      ],
      censor: REDACTED,
    },
    serializers: { err: serializeError, error: serializeError, req: serializeRequest as (req: unknown) => unknown },
    formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        // log.error(err) takes the error's message as the line's message: the safe one instead.
        const [first, second] = args as unknown[];
        const all =
          first instanceof Error && typeof second !== 'string'
            ? [{ err: first }, (serializeError(first) as LoggedError).message]
            : args;
        method.apply(
          this,
          all.map((a) => (typeof a === 'string' ? maskSecretsInText(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
}
