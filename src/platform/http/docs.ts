import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from './envelope.js';
import { OperationCatalogue } from './openapi-ops.js';

const REDOC_HTML = `<!doctype html>
<html><head><title>ATOM API reference</title><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/api/openapi.json"></redoc>
<script src="https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js"></script></body></html>`;

/** OpenAPI 3 from the routes' own TypeBox schemas: /api/openapi.json, Swagger UI, Redoc. */
export async function registerDocs(app: FastifyInstance, publicUrl: string) {
  app.addSchema(ErrorBody);
  // Every operation gets an operationId, summary, tags and its error responses (openapi-ops.ts).
  const operations = new OperationCatalogue();
  app.addHook('onRoute', (route) => operations.add(route));
  await app.register(swagger, {
    transformObject: (doc) =>
      operations.complete(('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as object) as object,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ATOM API',
        version: '8.0.0',
        description:
          'Multi-tenant AI-agent platform: agents, governance, graduation, marketplaces, webhooks, federation.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer', description: 'User JWT or API key' },
          adminKey: { type: 'apiKey', in: 'header', name: 'X-Admin-Key' },
          federationKey: { type: 'apiKey', in: 'header', name: 'X-Federation-Key' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (json.$id as string) ?? `def-${i}` },
  });
  await app.register(async (scope) => {
    // The documentation pages are public, whatever the guard's default.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), auth: 'public' };
    });
    await scope.register(swaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true },
    });
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());
  app.get('/api/redoc', { schema: { hide: true }, config: { auth: 'public' } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(REDOC_HTML),
  );
}
