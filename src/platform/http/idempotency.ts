import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/index.js';
import { AppError } from '../errors.js';

/**
 * `Idempotency-Key` on POST and PATCH (IETF draft-ietf-httpapi-idempotency-key-header): the first
 * response a credential got for a key is stored for 24 hours and replayed, with
 * `Idempotent-Replayed: true`, when the same request is sent again; the same key on a different
 * request is 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, 409
 * IDEMPOTENCY_KEY_IN_USE. 5xx answers and streams are not kept, so a retry runs again. A request
 * that died without answering frees its key after a minute.
 */
const METHODS = new Set(['POST', 'PATCH']);
const KEY = /^[\x21-\x7e]{1,255}$/;
const ABANDONED_SECONDS = 60;

interface Claim {
  tenantId: string;
  credential: string;
  key: string;
}
declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

const hashOf = (req: FastifyRequest) =>
  createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');

export function registerIdempotency(app: FastifyInstance, db: Database) {
  // Callback hooks that return at once without a key: they run on every request.
  app.addHook('preHandler', (req, reply, done) => {
    const raw = req.headers['idempotency-key'];
    if (raw === undefined || !METHODS.has(req.method) || !req.principal?.tenantId) return done();
    claim(db, req, reply, Array.isArray(raw) ? raw[0]! : raw).then(() => done(), done);
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (!req.idempotency) return done(null, payload);
    finish(db, req, reply, payload).then(() => done(null, payload), done);
  });
}

async function claim(db: Database, req: FastifyRequest, reply: FastifyReply, key: string) {
  if (!KEY.test(key))
    throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1-255 printable ASCII characters', {
      field: 'Idempotency-Key',
      location: 'header',
    });
  const claim: Claim = { tenantId: req.principal!.tenantId!, credential: req.principal!.rateKey, key };
  const replayed = await claimOrReplay(db, claim, hashOf(req), reply);
  if (!replayed) req.idempotency = claim;
}

/** Keeps the response for replays (not a 5xx, not a stream), or frees the key. */
async function finish(db: Database, req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const c = req.idempotency!;
  req.idempotency = undefined;
  if (reply.statusCode < 500 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
    await db.query(
      c.tenantId,
      `UPDATE idempotency_keys SET status = 'done', status_code = $4, content_type = $5, body = $6
           WHERE tenant_id = $1 AND credential = $2 AND key = $3`,
      [
        c.tenantId,
        c.credential,
        c.key,
        reply.statusCode,
        String(reply.getHeader('content-type') ?? ''),
        payload.toString(),
      ],
    );
  } else {
    await db.query(c.tenantId, 'DELETE FROM idempotency_keys WHERE tenant_id = $1 AND credential = $2 AND key = $3', [
      c.tenantId,
      c.credential,
      c.key,
    ]);
  }
}

/** Claims the key for this request, or answers from the stored response. Returns true when it answered. */
async function claimOrReplay(db: Database, c: Claim, hash: string, reply: FastifyReply): Promise<boolean> {
  const params = [c.tenantId, c.credential, c.key, hash];
  const claimed = await db.query(
    c.tenantId,
    `INSERT INTO idempotency_keys (tenant_id, credential, key, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, credential, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status =
       'processing', body = NULL, created_at = now()
       WHERE idempotency_keys.created_at < now() - interval '24 hours'
          OR (idempotency_keys.status = 'processing' AND idempotency_keys.created_at < now() - interval
            '${ABANDONED_SECONDS} seconds')
     RETURNING key`,
    params,
  );
  if (claimed.length) {
    if (Math.random() < 0.02)
      await db.query(
        c.tenantId,
        `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND created_at < now() - interval '24 hours'`,
        [c.tenantId],
      );
    return false;
  }
  const [row] = await db.query<{
    request_hash: string;
    status: string;
    status_code: number;
    content_type: string;
    body: string;
  }>(
    c.tenantId,
    'SELECT request_hash, status, status_code, content_type, body FROM idempotency_keys WHERE tenant_id = $1 ' +
      'AND credential = $2 AND key = $3',
    params.slice(0, 3),
  );
  if (!row) return false;
  if (row.request_hash !== hash)
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request', {
      key: c.key,
    });
  if (row.status !== 'done')
    throw new AppError(
      'IDEMPOTENCY_KEY_IN_USE',
      'A request with this Idempotency-Key is still being processed; retry shortly',
      { key: c.key },
      { 'Retry-After': '1' },
    );
  reply.code(row.status_code).header('Idempotent-Replayed', 'true');
  if (row.content_type) reply.header('content-type', row.content_type);
  reply.send(row.body);
  return true;
}
