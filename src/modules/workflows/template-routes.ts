import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { callerOf } from '../skills/caller.js';
import { Edges, Nodes } from './graph.js';
import { InputSchema } from './inputs.js';
import {
  CreateTemplateBody,
  ImportedWorkflow,
  Step,
  TEMPLATE_TYPES,
  TemplateDetails,
  TemplateSummary,
  TemplatesQuery,
} from './schemas.js';
import { templatesService, toDetails, toSummary } from './templates.js';

const tags = ['Workflow templates'];
const base = '/api/marketplace/templates';
const Id = Type.Object({ id: Type.String({ maxLength: 200 }) });
const Json = Type.Record(Type.String(), Type.Unknown());
const Bucket = Type.Record(Type.String(), Type.Object({ count: Type.Integer(), downloads: Type.Integer() }));
const viewerOf = (req: { principal: { tenantId: string | null } | null }) => req.principal?.tenantId ?? null;

/** Parameters arrive in the body or, as the seed shows, in the query string (`parameters` as JSON text). */
function workflowArgs(
  body: { workflow_name?: string; parameters?: Record<string, unknown> },
  query: { workflow_name?: string; parameters?: string },
) {
  const name = body.workflow_name ?? query.workflow_name;
  if (!name) throw new AppError('MISSING_REQUIRED_FIELD', 'workflow_name is required', { field: 'workflow_name' });
  if (body.parameters) return { name, parameters: body.parameters };
  if (query.parameters === undefined) return { name, parameters: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(query.parameters);
  } catch (err) {
    throw new AppError('VALIDATION_ERROR', 'Validation failed', {
      field: 'parameters',
      message: `parameters is not valid JSON: ${(err as Error).message}`,
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('VALIDATION_ERROR', 'Validation failed', {
      field: 'parameters',
      message: 'parameters must be a JSON object',
    });
  }
  return { name, parameters: parsed as Record<string, unknown> };
}

/** The workflow marketplace (seed: "Workflow Marketplace", base /api/marketplace). Reads need no credential. */
export const templateRoutes =
  (ctx: AppContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const templates = templatesService(ctx);

    app.get(
      base,
      {
        schema: {
          tags,
          summary: 'Workflow templates with filters (total in X-Total-Count)',
          querystring: TemplatesQuery,
          response: { 200: Type.Array(TemplateSummary) },
        },
        config: { auth: 'optional' },
      },
      async (req, reply) => {
        const q = req.query;
        const tagList = q.tags
          ?.flatMap((t) => t.split(','))
          .map((t) => t.trim())
          .filter(Boolean);
        const content = {
          ...(q.industry ? { industry: q.industry } : {}),
          ...(q.complexity ? { complexity: q.complexity } : {}),
        };
        const { items, total } = await templates.engine.search({
          viewer: viewerOf(req),
          query: q.query,
          category: q.category,
          tags: tagList,
          subtype: q.template_type,
          contentMatch: content,
          sort: q.sort_by ?? 'popularity',
          limit: q.limit,
          offset: q.offset,
        });
        reply.header('X-Total-Count', String(total));
        return items.map(toSummary);
      },
    );

    app.get(
      `${base}/types`,
      {
        schema: {
          tags,
          response: {
            200: Type.Object({
              template_types: Type.Array(
                Type.Object({ value: Type.String(), label: Type.String(), description: Type.String() }),
              ),
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async () => ({ template_types: TEMPLATE_TYPES.map((t) => ({ ...t })) }),
    );

    app.get(
      `${base}/featured`,
      {
        schema: {
          tags,
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) }),
          response: { 200: Type.Array(TemplateSummary) },
        },
        config: { auth: 'optional' },
      },
      async (req) => (await templates.featured(req.query.limit)).map((l) => ({ ...toSummary(l), is_featured: true })),
    );

    app.get(
      `${base}/statistics`,
      {
        schema: {
          tags,
          response: {
            200: Type.Object({
              total_templates: Type.Integer(),
              total_downloads: Type.Integer(),
              average_rating: Type.Number(),
              categories: Bucket,
              template_types: Bucket,
              complexity_levels: Bucket,
            }),
          },
        },
        config: { auth: 'optional' },
      },
      async (req) => templates.statistics(viewerOf(req)),
    );

    app.post(
      `${base}/advanced`,
      {
        schema: {
          tags,
          summary: 'Create a workflow template (private by default; public ones wait for platform review)',
          body: CreateTemplateBody,
          response: {
            201: Type.Object({
              id: Type.String(),
              template_key: Type.Union([Type.String(), Type.Null()]),
              name: Type.String(),
              input_schema: InputSchema,
              steps: Type.Array(Step),
              estimated_duration: Type.Integer(),
              status: Type.String(),
              marketplace_type: Type.String(),
              created_at: Type.String(),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_PUBLISH' },
      },
      async (req, reply) => {
        const d = toDetails(await templates.create(callerOf(req), req.body));
        return reply.status(201).send({
          id: d.id,
          template_key: d.template_key,
          name: d.name,
          input_schema: d.input_schema,
          steps: d.steps,
          estimated_duration: d.estimated_duration,
          status: d.status,
          marketplace_type: d.marketplace_type,
          created_at: d.created_at,
        });
      },
    );

    app.get(
      `${base}/:id`,
      {
        schema: { tags, params: Id, response: { 200: TemplateDetails } },
        config: { auth: 'optional' },
      },
      async (req) => toDetails(await templates.find(viewerOf(req), req.params.id)),
    );

    app.post(
      `${base}/:id/import`,
      {
        schema: {
          tags,
          summary: 'Import a template into your workspace as a workflow',
          params: Id,
          response: { 201: ImportedWorkflow },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req, reply) => {
        const w = await templates.importTemplate(callerOf(req), req.params.id);
        return reply
          .status(201)
          .send({ id: w.id, name: w.name, nodes: w.nodes, edges: w.edges, imported_at: w.imported_at! });
      },
    );

    app.post(
      `${base}/:id/create-workflow`,
      {
        schema: {
          tags,
          summary: 'Create a workflow from a template; parameters are checked against its input_schema',
          params: Id,
          querystring: Type.Object({
            workflow_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            parameters: Type.Optional(Type.String({ maxLength: 100_000 })),
          }),
          body: Type.Object({
            workflow_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            parameters: Type.Optional(Json),
          }),
          response: {
            201: Type.Object({
              status: Type.String(),
              message: Type.String(),
              workflow_definition: Type.Object({
                workflow_id: Type.String(),
                name: Type.String(),
                category: Type.String(),
                input_schema: InputSchema,
                steps: Type.Array(Step),
                user_inputs: Json,
                nodes: Nodes,
                edges: Edges,
              }),
            }),
          },
        },
        config: { permission: 'MARKETPLACE_INSTALL' },
      },
      async (req, reply) => {
        const { name, parameters } = workflowArgs(req.body, req.query);
        const { workflow: w, template } = await templates.createWorkflow(
          callerOf(req),
          req.params.id,
          name,
          parameters,
        );
        return reply.status(201).send({
          status: 'success',
          workflow_definition: {
            workflow_id: w.id,
            name: w.name,
            category: template.category,
            input_schema: w.input_schema ?? [],
            steps: w.steps ?? [],
            user_inputs: w.user_inputs ?? {},
            nodes: w.nodes,
            edges: w.edges,
          },
          message: `Workflow '${w.name}' created successfully from template ${req.params.id}`,
        });
      },
    );

    const Review = Type.Object({
      success: Type.Boolean(),
      template_id: Type.String(),
      status: Type.String(),
      approved_at: Type.Union([Type.String(), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    });
    app.post(
      `${base}/:id/approve`,
      {
        schema: { tags, summary: 'Platform review: approve a public template', params: Id, response: { 200: Review } },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await templates.engine.review(req.params.id, 'approved', null);
        return { success: true, template_id: l.id, status: l.status, approved_at: l.approved_at, reason: null };
      },
    );

    app.post(
      `${base}/:id/reject`,
      {
        schema: {
          tags,
          summary: 'Platform review: reject a public template',
          params: Id,
          querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
          response: { 200: Review },
        },
        config: { auth: 'admin' },
      },
      async (req) => {
        const l = await templates.engine.review(req.params.id, 'rejected', req.query.reason ?? 'Rejected by reviewer');
        return {
          success: true,
          template_id: l.id,
          status: l.status,
          approved_at: l.approved_at,
          reason: l.rejection_reason,
        };
      },
    );
  };
