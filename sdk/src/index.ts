/**
 * @atom-platform/sdk: the TypeScript client of the ATOM server.
 *
 * - `AtomClient`: agents and executions (`client.agents.list/create/get/update/delete/execute`).
 * - `MarketplaceClient`: agent, skill, canvas and domain marketplaces, webhooks, installations, usage.
 * - `FederationClient`: discovery and signed agent bundles between instances.
 * - `verifyWebhook`, `verifyStandardWebhook`, `constructWebhookEvent`: both webhook signature schemes.
 */

export type {
  Agent,
  AgentDetail,
  CreateAgentInput,
  ExecuteInput,
  ExecuteOptions,
  Execution,
  ListAgentsQuery,
  UpdateAgentInput,
} from './atom.js';
export { AgentsResource, AtomClient } from './atom.js';
export type { Camelize } from './case.js';
export {
  AtomError,
  AuthenticationError,
  BundleVerificationError,
  ComponentNotFoundError,
  ConflictError,
  ConnectionError,
  DependencyMissingError,
  errorFromResponse,
  GovernanceDeniedError,
  InsufficientPermissionsError,
  MarketplaceError,
  NotFoundError,
  PlanRestrictedError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors.js';
export type { AgentBundle, FederationClientOptions } from './federation.js';
export { canonicalJson, FederationClient, verifyAgentBundle } from './federation.js';
export type { components, Operation, paths } from './generated/openapi.js';
export { type IntegrationConfig, MarketplaceClient, SkillsResource } from './marketplace.js';
export type {
  BulkInstallResult,
  Component,
  InstallAgentOptions,
  InstallConfig,
  InstallResult,
  ListOptions,
  PublishAgentOptions,
  PublishResult,
} from './marketplace-base.js';
export type { AgentBulkResult } from './marketplace-kinds.js';
export { Page, paginate } from './pagination.js';
export type { Route, RouteName } from './routes.js';
export { ROUTES } from './routes.js';
export type { ApiResponse, ClientOptions, RequestOptions } from './transport.js';
export { normaliseBaseUrl, Transport } from './transport.js';
export type {
  BrowsedSkill,
  DataOf,
  ResponseOf,
  SkillDetail,
  SkillInstalled,
  SkillPublished,
  SkillRated,
  SkillSummary,
  Webhook,
} from './types.js';
export type { HeaderBag, StandardWebhookOptions, WebhookEvent } from './webhooks.js';
export { constructWebhookEvent, verifyStandardWebhook, verifyWebhook } from './webhooks.js';
