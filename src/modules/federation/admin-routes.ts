import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../platform/context.js';
import { ok } from '../../platform/http/envelope.js';
import * as S from './schemas.js';
import { federationService, peerView } from './service.js';
import { keyView } from './view.js';

const tags = ['Federation'];

/** Platform admin (X-Admin-Key): peer instances and the inbound federation keys issued to them. */
export const federationAdminRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = federationService(ctx);

    app.post(
      '/api/federation/peers',
      {
        schema: {
          tags,
          summary: 'Register a peer instance (platform admin)',
          body: S.CreatePeerBody,
          response: { 201: S.PeerResponse },
        },
        config: { auth: 'admin' },
      },
      async (req, reply) => {
        const r = await svc.createPeer(req.body);
        return reply.status(201).send(ok(req, { peer: peerView(r.peer), public_key_status: r.public_key_status }));
      },
    );

    app.get(
      '/api/federation/peers',
      {
        schema: {
          tags,
          summary: 'List peer instances (platform admin)',
          querystring: S.Paging,
          response: { 200: S.PeerListResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const { limit = 20, offset = 0 } = req.query;
        const { items, total } = await svc.list(limit, offset);
        return ok(req, { peers: items.map(peerView), total, limit, offset });
      },
    );

    app.get(
      '/api/federation/peers/:id',
      {
        schema: {
          tags,
          summary: 'A peer instance (platform admin)',
          params: S.IdParams,
          response: { 200: S.PeerResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => ok(req, { peer: peerView(await svc.peer(req.params.id)) }),
    );

    app.patch(
      '/api/federation/peers/:id',
      {
        schema: {
          tags,
          summary: 'Update a peer: name, our key for it, its public keys, status (platform admin)',
          params: S.IdParams,
          body: S.UpdatePeerBody,
          response: { 200: S.PeerResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => ok(req, { peer: peerView(await svc.updatePeer(req.params.id, req.body)) }),
    );

    app.delete(
      '/api/federation/peers/:id',
      {
        schema: {
          tags,
          summary: 'Remove a peer and every key issued to it (platform admin)',
          params: S.IdParams,
          response: { 200: S.DeletedResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        await svc.deletePeer(req.params.id);
        return ok(req, { id: req.params.id, deleted: true });
      },
    );

    app.post(
      '/api/federation/keys',
      {
        schema: {
          tags,
          summary: 'Issue an inbound federation key for a peer; shown once (platform admin)',
          body: S.CreateKeyBody,
          response: { 201: S.CreatedKeyResponse },
        },
        config: { auth: 'admin' },
      },
      async (req, reply) => {
        const { key, row } = await svc.issueKey(req.body);
        return reply.status(201).send(ok(req, { key, federation_key: keyView(row) }));
      },
    );

    app.get(
      '/api/federation/keys',
      {
        schema: {
          tags,
          summary: 'List inbound federation keys (platform admin)',
          querystring: S.KeyQuery,
          response: { 200: S.KeyListResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const { peer_id, limit = 20, offset = 0 } = req.query;
        const { items, total } = await svc.keys(peer_id ?? null, limit, offset);
        return ok(req, { keys: items.map(keyView), total, limit, offset });
      },
    );

    app.delete(
      '/api/federation/keys/:id',
      {
        schema: {
          tags,
          summary: 'Revoke an inbound federation key (platform admin)',
          params: S.IdParams,
          response: { 200: S.KeyResponse },
        },
        config: { auth: 'admin' },
      },
      async (req) => ok(req, { federation_key: keyView(await svc.revokeKey(req.params.id)) }),
    );
  };
