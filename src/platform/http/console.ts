import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { toAppError } from './error-handler.js';

/** Where `npm run build:web` writes the console (web/dist at the repository root). */
export const CONSOLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/**
 * The bundle loads only its own files, talks only to this origin, and may not be framed. React
 * sets inline styles through the CSSOM, which `style-src 'self'` allows.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the web console at `/`: its files when they exist, else `index.html` (the client-side
 * router takes the path). Nothing under `/api` is ever answered here: those paths are 404
 * NOT_FOUND as before, so the console never shadows an API route or the API docs.
 */
export async function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR) {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn(`web console not built (${dir}/index.html missing): run "npm run build:web"`);
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), auth: 'public' };
    });
    await scope.register(fastifyStatic, { root: dir, serve: false });
    scope.addHook('onSend', async (_req, reply) => {
      reply.header('Content-Security-Policy', CONSOLE_CSP);
    });
    scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = safeDecode(req.url.split('?')[0]);
      if (path === '/api' || path.startsWith('/api/'))
        throw apiNotFound(req.method, path, app.initialConfig.maxParamLength ?? 100);
      const file = resolve(dir, `.${path}`);
      if (file.startsWith(dir + sep) && isFile(file)) {
        const immutable = file.startsWith(join(dir, 'assets') + sep);
        return reply.sendFile(file.slice(dir.length + 1), dir, { immutable, maxAge: immutable ? 31_536_000_000 : 0 });
      }
      reply.header('Cache-Control', 'no-cache');
      return reply.sendFile('index.html', dir, { maxAge: 0 });
    });
  });
}

/**
 * An `/api` path no route took. This wildcard matches every path, so the router never reports an
 * overlong parameter itself when the console is built: answer what it answers without the console.
 */
function apiNotFound(method: string, path: string, maxParamLength: number): AppError {
  if (path.split('/').some((segment) => segment.length > maxParamLength)) {
    return toAppError(Object.assign(new Error('path parameter too long'), { code: 'FST_ERR_MAX_PARAM_LENGTH' }));
  }
  return new AppError('NOT_FOUND', `Route ${method} ${path} not found`);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
