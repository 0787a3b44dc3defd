import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_STATUS } from '../errors.js';
import { meta } from './envelope.js';

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A schema failure becomes 400 VALIDATION_ERROR naming the field; a limit over the maximum is INVALID_LIMIT. */
function fromValidation(err: FastifyError): AppError {
  const issue = (err.validation?.[0] ?? {}) as ValidationIssue;
  const context = (err as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  let field = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required')
    field = [field, String(issue.params?.missingProperty ?? '')].filter(Boolean).join('.');
  if (issue.keyword === 'additionalProperties')
    field = [field, String(issue.params?.additionalProperty ?? '')].filter(Boolean).join('.');
  if (context === 'querystring' && field === 'limit' && issue.keyword === 'maximum') {
    return new AppError('INVALID_LIMIT', `Maximum limit is ${issue.params?.limit}`, {
      field,
      maximum: issue.params?.limit,
    });
  }
  const message = `${field || context} ${issue.message ?? 'is invalid'}`.trim();
  const allowed = issue.keyword === 'enum' ? { allowed: issue.params?.allowedValues } : {};
  return new AppError('VALIDATION_ERROR', 'Validation failed', {
    field: field || context,
    location: context,
    message,
    ...allowed,
  });
}

const FASTIFY_CODES: Record<string, [string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'Request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['INVALID_INPUT', 'Content-Length does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', 'Body cannot be empty when Content-Type is application/json'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', 'Body is not valid JSON'],
  FST_ERR_BAD_URL: ['INVALID_INPUT', 'The URL is not validly percent-encoded'],
  FST_ERR_MAX_PARAM_LENGTH: ['URI_TOO_LONG', 'A path parameter is longer than 100 characters'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'The request is not multipart'],
};

/**
 * PostgreSQL refuses text a client sent that it cannot store: a NUL byte in a text value (22021)
 * or `\u0000` in JSON (22P05). That is the request's fault, not the server's.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/**
 * The backstop behind the edge checks (hostile.ts): PostgreSQL data exceptions a value sent by a
 * client can cause (number out of range, malformed value, text too long for a column or an index
 * row, negative LIMIT/OFFSET, nesting too deep) are the request's fault: 400, never a 500.
 */
const BAD_VALUE = new Set(['22001', '22003', '22P02', '2201W', '2201X', '22007', '22008', '54000', '54001']);

/**
 * A multipart body the parser could not read to its end (cut before the closing boundary, a
 * malformed part header): busboy's errors carry no code or status.
 */
const MULTIPART_CUT =
  /^(Unexpected end of (form|file|multipart data)|Malformed part header|Multipart: Boundary not found)/;

export function toAppError(err: FastifyError | AppError | Error): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.code && UNSTORABLE_TEXT.has(fe.code))
    return new AppError('INVALID_INPUT', 'Text must not contain NUL (\\u0000) characters');
  if (fe.code && BAD_VALUE.has(fe.code) && !fe.statusCode)
    return new AppError('INVALID_INPUT', 'A value in the request is out of range or malformed');
  if (!fe.code && !fe.statusCode && MULTIPART_CUT.test(err.message ?? ''))
    return new AppError('INVALID_INPUT', `The multipart body could not be read: ${err.message}`);
  if (fe.validation) return fromValidation(fe);
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return new AppError(known[0], known[1]);
  if (fe.statusCode === 400 && err instanceof SyntaxError)
    return new AppError('INVALID_JSON', 'Body is not valid JSON');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = Object.keys(ERROR_STATUS).find((c) => ERROR_STATUS[c] === fe.statusCode) ?? 'INVALID_INPUT';
    return new AppError(code, fe.message);
  }
  return new AppError('INTERNAL_ERROR', 'An unexpected error occurred');
}

export function sendError(req: FastifyRequest, reply: FastifyReply, error: AppError) {
  reply.errorCode = error.code;
  const body = {
    success: false,
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    code: error.code,
    message: error.message,
    ...(typeof error.details?.retry_after === 'number' ? { retry_after: error.details.retry_after } : {}),
    meta: meta(req),
  };
  return reply
    .status(error.status)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const error = toAppError(err);
    if (error.status >= 500) req.log.error({ err }, 'request failed');
    return sendError(req, reply, error);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new AppError('NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`)),
  );
}
