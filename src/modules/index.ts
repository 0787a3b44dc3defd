import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { agentRoutes } from './agents/routes.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import { authRoutes } from './auth/routes.js';
import { setupChat } from './chat/module.js';
import { chatRoutes } from './chat/routes.js';
import { desktopRoutes } from './desktop/routes.js';
import { setupExecutions } from './executions/module.js';
import { executionRoutes } from './executions/routes.js';
import { governanceRoutes } from './governance/routes.js';
import { graduationRoutes } from './graduation/routes.js';
import { healthRoutes } from './health/routes.js';
import { integrationRoutes } from './integrations/routes.js';
import { mcpRoutes } from './mcp/routes.js';
import { memberRoutes } from './members/routes.js';
import { publicMarketplaceRoutes } from './skills/public-routes.js';
import { privateSkillRoutes } from './skills/private-routes.js';
import { skillRoutes } from './skills/routes.js';
import { skillToolProvider } from './skills/tools.js';
import { tenantRoutes } from './tenants/routes.js';
import { setupWebhooks } from './webhooks/module.js';
import { webhookRoutes } from './webhooks/routes.js';

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
  { name: 'members', routes: memberRoutes },
  { name: 'agents', routes: agentRoutes },
  { name: 'executions', routes: executionRoutes, setup: setupExecutions },
  { name: 'governance', routes: governanceRoutes },
  { name: 'graduation', routes: graduationRoutes },
  { name: 'webhooks', routes: webhookRoutes, setup: setupWebhooks },
  { name: 'integrations', routes: integrationRoutes },
  { name: 'chat', routes: chatRoutes, setup: setupChat },
  { name: 'desktop', routes: desktopRoutes },
  { name: 'mcp', routes: mcpRoutes },
  { name: 'private-skills', routes: privateSkillRoutes },
  { name: 'public-marketplace', routes: publicMarketplaceRoutes },
  { name: 'skills', routes: skillRoutes, setup: (ctx) => ctx.tools.register(skillToolProvider(ctx)) },
];
