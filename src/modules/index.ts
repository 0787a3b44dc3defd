import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import { authRoutes } from './auth/routes.js';
import { healthRoutes } from './health/routes.js';
import { publicMarketplaceRoutes } from './skills/public-routes.js';
import { privateSkillRoutes } from './skills/private-routes.js';
import { skillRoutes } from './skills/routes.js';
import { skillToolProvider } from './skills/tools.js';
import { tenantRoutes } from './tenants/routes.js';

/**
 * Every domain module, registered explicitly and in order. A module exports `routes(ctx)` and,
 * when it consumes events or jobs, `setup(ctx)`, called before the job queue starts.
 */
export interface Module {
  name: string;
  routes?: (ctx: AppContext) => FastifyPluginAsync<any>;
  setup?: (ctx: AppContext) => void | Promise<void>;
}

export const MODULES: Module[] = [
  { name: 'health', routes: healthRoutes },
  { name: 'tenants', routes: tenantRoutes },
  { name: 'auth', routes: authRoutes },
  { name: 'api-keys', routes: apiKeyRoutes },
  { name: 'private-skills', routes: privateSkillRoutes },
  { name: 'public-marketplace', routes: publicMarketplaceRoutes },
  { name: 'skills', routes: skillRoutes, setup: (ctx) => ctx.tools.register(skillToolProvider(ctx)) },
];
