import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Built } from '../../src/app.js';
import { toAppError } from '../../src/platform/http/error-handler.js';
import { startApp } from '../helpers/app.js';
import { call, makeTenant, type Res, type TestTenant } from '../helpers/http.js';

/** Every refusal is the documented envelope: success false, error.code/message, meta.request_id. */
function refused(res: Res, status: number, code: string, field?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body?.success, false, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.message, 'string');
  assert.match(res.body.meta.request_id, /^req_/);
  if (field !== undefined) assert.equal(res.body.error.details?.field, field, JSON.stringify(res.body));
}

describe('hostile input: a clean 4xx, always in the error envelope', () => {
  let built: Built;
  let t: TestTenant;
  let agentId: string;
  const raw = async (
    method: string,
    url: string,
    payload?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Res> => {
    const res = await built.app.inject({
      method: method as 'POST',
      url,
      headers: { 'x-api-key': t.key, ...headers },
      ...(payload !== undefined ? { payload } : {}),
    });
    let body: unknown = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON: the assertions say so */
    }
    return { status: res.statusCode, body, headers: res.headers } as Res;
  };
  before(async () => {
    built = await startApp();
    t = await makeTenant(built.app);
    const a = await call(built.app, 'POST', '/api/agents', {
      key: t.key,
      body: { name: 'Target', role: 'general-assistant', maturity_level: 'student' },
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    agentId = a.body.data.agent?.id ?? a.body.data.id;
  });
  after(() => built.close());

  describe('NUL bytes are refused before any handler, naming the field', () => {
    it('in a body field, a nested value and an object key', async () => {
      const named = await call(built.app, 'POST', '/api/agents', {
        key: t.key,
        body: { name: 'a\u0000b', role: 'r', maturity_level: 'student' },
      });
      refused(named, 400, 'VALIDATION_ERROR', 'body.name');
      assert.equal(named.body.error.details.location, 'body');
      refused(
        await call(built.app, 'PATCH', `/api/agents/${agentId}`, {
          key: t.key,
          body: { configuration: { deep: ['ok', 'n\u0000'] } },
        }),
        400,
        'VALIDATION_ERROR',
        'body.configuration.deep.1',
      );
      refused(
        await call(built.app, 'PATCH', `/api/agents/${agentId}`, {
          key: t.key,
          body: { configuration: { 'k\u0000': 1 } },
        }),
        400,
        'VALIDATION_ERROR',
        'body.configuration.k\\u0000',
      );
      // Nothing was written.
      const list = await call(built.app, 'GET', '/api/agents', { key: t.key });
      assert.equal(list.body.data.agents.length, 1);
    });

    it('in a query value or key, a path id, and a header', async () => {
      refused(await raw('GET', '/api/agents?search=a%00b'), 400, 'VALIDATION_ERROR', 'query.search');
      refused(await raw('GET', '/api/agents?x%00=1'), 400, 'VALIDATION_ERROR', 'query.x\\u0000');
      refused(await raw('GET', '/api/agents/agt%00x'), 400, 'VALIDATION_ERROR', 'params.id');
      refused(await raw('DELETE', '/api/webhooks/%00'), 400, 'VALIDATION_ERROR', 'params.id');
      refused(
        await raw('POST', '/api/api-keys', JSON.stringify({ name: 'k' }), {
          'content-type': 'application/json',
          'idempotency-key': 'a\u0000b',
        }),
        400,
        'VALIDATION_ERROR',
        'headers.idempotency-key',
      );
    });

    it('in a raw JSON escape sent as text', async () => {
      refused(
        await raw('POST', '/api/api-keys', '{"name":"\\u0000"}', { 'content-type': 'application/json' }),
        400,
        'VALIDATION_ERROR',
        'body.name',
      );
    });
  });

  describe('pagination overflow is a 400, never a 500', () => {
    it('page/limit lists (agent API)', async () => {
      refused(await raw('GET', '/api/agents?page=99999999999999999999'), 400, 'VALIDATION_ERROR', 'page');
      refused(await raw('GET', '/api/webhooks?page=99999999999999999999'), 400, 'VALIDATION_ERROR', 'page');
      refused(await raw('GET', '/api/agents?page=1e309'), 400, 'VALIDATION_ERROR', 'page');
      refused(await raw('GET', '/api/agents?limit=1e309'), 400, 'INVALID_LIMIT', 'limit');
      refused(await raw('GET', '/api/api-keys?limit=99999999999999999999'), 400, 'INVALID_LIMIT', 'limit');
      for (const bad of ['-1', '0', '1.5', 'abc', '-1e309'])
        refused(await raw('GET', `/api/agents?page=${bad}`), 400, 'VALIDATION_ERROR', 'page');
    });

    it('limit/offset lists (marketplaces), page_size, and usage days', async () => {
      refused(await raw('GET', '/api/canvases?offset=99999999999999999999'), 400, 'VALIDATION_ERROR', 'offset');
      refused(await raw('GET', '/api/canvases?offset=1e309'), 400, 'VALIDATION_ERROR', 'offset');
      refused(await raw('GET', '/api/canvases?offset=-1'), 400, 'VALIDATION_ERROR', 'offset');
      refused(await raw('GET', '/api/canvases?limit=1e309'), 400, 'INVALID_LIMIT', 'limit');
      refused(await raw('GET', '/api/agent-marketplace/agents?page_size=1e309'), 400, 'VALIDATION_ERROR', 'page_size');
      refused(
        await raw('GET', '/api/agent-marketplace/agents?page=99999999999999999999'),
        400,
        'VALIDATION_ERROR',
        'page',
      );
      for (const bad of ['1e309', '99999999999999999999', '-1', '1.5', 'abc'])
        refused(await raw('GET', `/api/usage?days=${bad}`), 400, 'VALIDATION_ERROR', 'days');
      // A large page within bounds is simply past the end.
      const far = await raw('GET', '/api/agents?page=9007199254740991');
      assert.equal(far.status, 200, JSON.stringify(far.body));
      assert.deepEqual(far.body.data.agents, []);
    });
  });

  describe("the framework's own refusals are in the envelope", () => {
    it('bad percent-encoding, an overlong path parameter, an unknown route', async () => {
      refused(await raw('GET', '/api/agents/%ZZ'), 400, 'INVALID_INPUT');
      refused(await raw('GET', `/api/agents/${'a'.repeat(500)}`), 414, 'URI_TOO_LONG');
      refused(await raw('GET', '/api/no-such-route'), 404, 'NOT_FOUND');
    });

    it('bodies: wrong content type, empty JSON, wrong top-level type, cut JSON, too deep, too large', async () => {
      const json = { 'content-type': 'application/json' };
      refused(
        await raw('POST', '/api/api-keys', '<k/>', { 'content-type': 'application/xml' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      refused(await raw('POST', '/api/api-keys', '', json), 400, 'INVALID_JSON');
      for (const body of ['[1,2]', '"k"', '42', 'null'])
        refused(await raw('POST', '/api/api-keys', body, json), 400, 'VALIDATION_ERROR');
      refused(await raw('POST', '/api/api-keys', '{"name":"k', json), 400, 'INVALID_JSON');
      refused(
        await raw('PATCH', `/api/agents/${agentId}`, `{"configuration":${'['.repeat(5000)}${']'.repeat(5000)}}`, json),
        400,
        'VALIDATION_ERROR',
      );
      refused(
        await raw('POST', '/api/api-keys', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }), json),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it('a multipart upload cut before its closing boundary', async () => {
      const head =
        '--XB\r\nContent-Disposition: form-data; name="file"; filename="w.json"\r\nContent-Type: ' +
        'application/json\r\n\r\n{"name":"w","nodes":[]';
      refused(
        await raw('POST', '/api/marketplace/import', head, { 'content-type': 'multipart/form-data; boundary=XB' }),
        400,
        'INVALID_INPUT',
      );
      refused(
        await raw('POST', '/api/marketplace/import', '--XB\r\nbroken', {
          'content-type': 'multipart/form-data; boundary=XB',
        }),
        400,
        'INVALID_INPUT',
      );
    });
  });

  it('PostgreSQL data exceptions a value can cause are a 400 backstop, not a 500', () => {
    for (const code of ['22003', '22P02', '22001', '54000', '22021']) {
      const e = Object.assign(new Error('pg says no'), { code });
      assert.equal(toAppError(e).status, 400, code);
    }
    assert.equal(toAppError(Object.assign(new Error('other'), { code: '42P01' })).status, 500);
  });
});
