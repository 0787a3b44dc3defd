import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { agentTemplateRoutes } from './agent-templates/routes.js';
import { agentRoutes } from './agents/routes.js';
import { apiKeyRoutes } from './api-keys/routes.js';
import { authRoutes } from './auth/routes.js';
import { canvasRoutes } from './canvas/canvas-routes.js';
import { canvasMarketplaceRoutes } from './canvas/marketplace-routes.js';
import { canvasSkillRoutes } from './canvas/skill-routes.js';
import { setupChat } from './chat/module.js';
import { chatRoutes } from './chat/routes.js';
import { consoleRoutes } from './console/routes.js';
import { desktopRoutes } from './desktop/routes.js';
import { domainRoutes } from './domains/routes.js';
import { setupExecutions } from './executions/module.js';
import { executionRoutes } from './executions/routes.js';
import { federationAdminRoutes } from './federation/admin-routes.js';
import { federationRoutes } from './federation/routes.js';
import { governanceRoutes } from './governance/routes.js';
import { examToolProvider } from './graduation/exam-tools.js';
import { graduationRoutes } from './graduation/routes.js';
import { healthRoutes } from './health/routes.js';
import { integrationRoutes } from './integrations/routes.js';
import { reviewRoutes } from './marketplace/review-routes.js';
import { mcpRoutes } from './mcp/routes.js';
import { invitationRoutes } from './members/invitation-routes.js';
import { memberRoutes } from './members/routes.js';
import { metricsRoutes } from './metrics/routes.js';
import { setupPackages } from './packages/module.js';
import { packageAdminRoutes, packageRoutes } from './packages/routes.js';
import { privateSkillRoutes } from './skills/private-routes.js';
import { publicMarketplaceRoutes } from './skills/public-routes.js';
import { skillRoutes } from './skills/routes.js';
import { skillToolProvider } from './skills/tools.js';
import { tenantRoutes } from './tenants/routes.js';
import { usageRoutes } from './usage/routes.js';
import { setupWebhooks } from './webhooks/module.js';
import { webhookRoutes } from './webhooks/routes.js';
import { setupWorkflows } from './workflows/module.js';
import { workflowRoutes } from './workflows/routes.js';
import { workflowRunRoutes } from './workflows/run-routes.js';
import { templateRoutes } from './workflows/template-routes.js';
import { templatesService } from './workflows/templates.js';
import { transferRoutes } from './workflows/transfer-routes.js';

/**
 * Every domain module, registered explicitly and in order. A module exports `routes(ctx)` and,
 * when it consumes events or jobs, `setup(ctx)`, called before the job queue starts.
 */
export interface Module {
  name: string;
  routes?: (ctx: AppContext) => FastifyPluginAsync;
  setup?: (ctx: AppContext) => void | Promise<void>;
}

export const MODULES: Module[] = [
  { name: 'health', routes: healthRoutes },
  { name: 'metrics', routes: metricsRoutes },
  { name: 'tenants', routes: tenantRoutes },
  { name: 'usage', routes: usageRoutes },
  { name: 'auth', routes: authRoutes },
  { name: 'api-keys', routes: apiKeyRoutes },
  { name: 'members', routes: memberRoutes },
  { name: 'invitations', routes: invitationRoutes },
  { name: 'agents', routes: agentRoutes },
  { name: 'executions', routes: executionRoutes, setup: setupExecutions },
  { name: 'governance', routes: governanceRoutes },
  { name: 'graduation', routes: graduationRoutes, setup: (ctx) => ctx.tools.register(examToolProvider()) },
  { name: 'webhooks', routes: webhookRoutes, setup: setupWebhooks },
  { name: 'integrations', routes: integrationRoutes },
  { name: 'chat', routes: chatRoutes, setup: setupChat },
  { name: 'desktop', routes: desktopRoutes },
  { name: 'mcp', routes: mcpRoutes },
  { name: 'packages', routes: packageRoutes, setup: setupPackages },
  { name: 'packages-admin', routes: packageAdminRoutes },
  { name: 'private-skills', routes: privateSkillRoutes },
  { name: 'public-marketplace', routes: publicMarketplaceRoutes },
  { name: 'console', routes: consoleRoutes },
  { name: 'skills', routes: skillRoutes, setup: (ctx) => ctx.tools.register(skillToolProvider(ctx)) },
  { name: 'agent-templates', routes: agentTemplateRoutes },
  {
    name: 'agent-template-reviews',
    routes: (ctx) =>
      reviewRoutes(ctx, {
        kind: 'agent_template',
        base: '/api/agent-marketplace/agents/:id',
        tags: ['Agent marketplace'],
        notFoundCode: 'AGENT_NOT_FOUND',
      }),
  },
  { name: 'federation', routes: federationRoutes },
  { name: 'federation-admin', routes: federationAdminRoutes },
  { name: 'workflows', routes: workflowRoutes },
  { name: 'workflow-runs', routes: workflowRunRoutes, setup: setupWorkflows },
  { name: 'workflow-templates', routes: templateRoutes },
  {
    name: 'workflow-template-reviews',
    routes: (ctx) =>
      reviewRoutes(ctx, {
        kind: 'workflow_template',
        base: '/api/marketplace/templates/:id',
        tags: ['Workflow templates'],
        resolve: async (viewer, id) => (await templatesService(ctx).find(viewer, id)).id,
      }),
  },
  { name: 'workflow-transfer', routes: transferRoutes },
  { name: 'domains', routes: domainRoutes },
  { name: 'canvases', routes: canvasRoutes },
  { name: 'canvas-marketplace', routes: canvasMarketplaceRoutes },
  { name: 'canvas-skills', routes: canvasSkillRoutes },
];
