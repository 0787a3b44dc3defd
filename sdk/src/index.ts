/**
 * @atom-platform/sdk: the TypeScript client of the ATOM server.
 *
 * - `AtomClient`: agents and executions (`client.agents.list/create/get/update/delete/execute`).
 * - `MarketplaceClient`: agent, skill, canvas and domain marketplaces, webhooks, installations, usage.
 * - `FederationClient`: discovery and signed agent bundles between instances.
 * - `verifyWebhook`, `verifyStandardWebhook`, `constructWebhookEvent`: both webhook signature schemes.
 */
export { AtomClient, AgentsResource } from './atom.js';
export type { Agent, AgentDetail, CreateAgentInput, UpdateAgentInput, ListAgentsQuery, ExecuteInput, Execution, ExecuteOptions } from './atom.js';
export { MarketplaceClient, SkillsResource, type IntegrationConfig } from './marketplace.js';
export type { AgentBulkResult } from './marketplace-kinds.js';
export type {
  BulkInstallResult, Component, InstallAgentOptions, InstallConfig, InstallResult, ListOptions, PublishAgentOptions, PublishResult,
} from './marketplace-base.js';
export { FederationClient, verifyAgentBundle, canonicalJson } from './federation.js';
export type { AgentBundle, FederationClientOptions } from './federation.js';
export { verifyWebhook, verifyStandardWebhook, constructWebhookEvent } from './webhooks.js';
export type { WebhookEvent, StandardWebhookOptions, HeaderBag } from './webhooks.js';
export {
  MarketplaceError, AtomError, RateLimitError, QuotaExceededError, AuthenticationError, InsufficientPermissionsError,
  GovernanceDeniedError, PlanRestrictedError, NotFoundError, ComponentNotFoundError, ValidationError, ConflictError,
  DependencyMissingError, ServerError, ConnectionError, TimeoutError, BundleVerificationError, errorFromResponse,
} from './errors.js';
export { Page, paginate } from './pagination.js';
export { Transport, normaliseBaseUrl } from './transport.js';
export type { ClientOptions, RequestOptions, ApiResponse } from './transport.js';
export { ROUTES } from './routes.js';
export type { BrowsedSkill, DataOf, ResponseOf, SkillDetail, SkillInstalled, SkillPublished, SkillRated, SkillSummary, Webhook } from './types.js';
export type { Camelize } from './case.js';
export type { Route, RouteName } from './routes.js';
export type { paths, components, Operation } from './generated/openapi.js';
