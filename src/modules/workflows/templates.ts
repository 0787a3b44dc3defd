import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { AppError, isUniqueViolation } from '../../platform/errors.js';
import { type Caller, type Listing, marketplaceEngine } from '../marketplace/service.js';
import type { WorkflowEdge, WorkflowNode } from './graph.js';
import { assertValidInputSchema, type InputField, validateParameters } from './inputs.js';
import * as repo from './repo.js';
import type { CreateTemplateBody, Step } from './schemas.js';
import { assertSavable, IMPORTED_PREFIX, toDocument, type Workflow, workflowsService } from './service.js';

/** What a workflow template listing keeps in the engine's `content`. */
interface TemplateContent {
  key: string | null;
  author: string;
  version: string;
  integrations: string[];
  complexity: string;
  industry: string | null;
  estimated_duration: number;
  multi_step_support: boolean;
  pause_resume_support: boolean;
  input_schema: InputField[];
  steps: Step[];
  workflow_data: { nodes: WorkflowNode[]; edges: WorkflowEdge[] };
  prerequisites: string[];
  use_cases: string[];
  benefits: string[];
}

const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
export const START_NODE = 'start';

const duplicateKey = (key: string, existing: string) =>
  new AppError('DUPLICATE_ENTRY', `A workflow template with id '${key}' already exists in your tenant`, {
    field: 'id',
    value: key,
    existing_template_id: existing,
    suggestion: 'Use a different id or update the existing template',
  });

const contentOf = (l: Listing) => l.content as unknown as TemplateContent;

export function toSummary(l: Listing) {
  const c = contentOf(l);
  return {
    id: l.id,
    template_key: c.key ?? null,
    name: l.name,
    description: l.description,
    category: l.category,
    author: c.author,
    version: c.version,
    integrations: c.integrations,
    complexity: c.complexity,
    tags: l.tags,
    estimated_duration: c.estimated_duration,
    multi_step_support: c.multi_step_support,
    pause_resume_support: c.pause_resume_support,
    downloads: l.installs,
    rating: l.rating,
    rating_count: l.rating_count,
    template_type: l.subtype ?? 'legacy',
    industry: c.industry ?? null,
    status: l.status,
    marketplace_type: l.marketplace_type,
    is_featured: l.featured,
    created_at: l.created_at,
  };
}

export function toDetails(l: Listing) {
  const c = contentOf(l);
  return {
    ...toSummary(l),
    long_description: l.long_description,
    workflow_data: c.workflow_data,
    input_schema: c.input_schema,
    steps: c.steps,
    prerequisites: c.prerequisites,
    use_cases: c.use_cases,
    benefits: c.benefits,
  };
}

/**
 * The graph of a template without explicit `workflow_data`: a trigger node, then one `step` node per
 * step, wired by `depends_on` when any step declares it, else in order.
 */
export function graphFromSteps(steps: Step[]): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  if (!steps.length) return { nodes: [], edges: [] };
  const nodes: WorkflowNode[] = [{ id: START_NODE, type: 'trigger', label: 'Start', config: { trigger: 'manual' } }];
  const edges: WorkflowEdge[] = [];
  const explicit = steps.some((s) => s.depends_on?.length);
  steps.forEach((s, i) => {
    // `config.when` on a step after a condition step is the branch that leads to it (its edge's `when`).
    const { when, ...config } = s.config ?? {};
    nodes.push({
      id: s.step_id,
      type: 'step',
      label: s.name,
      config: {
        step_type: s.step_type,
        ...(s.estimated_duration !== undefined ? { estimated_duration: s.estimated_duration } : {}),
        ...config,
      },
    });
    const from = explicit
      ? s.depends_on?.length
        ? s.depends_on
        : [START_NODE]
      : [i === 0 ? START_NODE : steps[i - 1].step_id];
    for (const source of from) edges.push({ source, target: s.step_id, ...(when !== undefined ? { when } : {}) });
  });
  return { nodes, edges };
}

/** Workflow templates on the shared marketplace engine; importing one creates a tenant workflow. */
export function templatesService(ctx: AppContext) {
  const engine = marketplaceEngine(ctx, 'workflow_template');
  const workflows = workflowsService(ctx);
  const sys = ctx.db.as(SYSTEM);

  /** A template by listing id or by its author's key, as the viewer may see it; else 404 TEMPLATE_NOT_FOUND. */
  async function find(viewer: string | null, idOrKey: string): Promise<Listing> {
    try {
      return await engine.visible(viewer, idOrKey);
    } catch (err) {
      const id = await repo.idByKey(sys, viewer, idOrKey);
      if (!id) throw err;
      return engine.visible(viewer, id);
    }
  }

  /**
   * The workflow made from a template, with its download counted (one per tenant, via the engine's
   * install; not while the owner uses a template still under review) in the same transaction.
   */
  const fromTemplate = (caller: Caller, l: Listing, draft: Parameters<typeof workflows.createIn>[2]) =>
    ctx.db.tx(caller.tenantId, async (ex) => {
      if (l.status === 'approved') await engine.installIn(ex, caller, l, {}, null);
      return workflows.createIn(ex, caller.tenantId, draft);
    });

  return {
    engine,
    find,

    async create(caller: Caller, b: CreateTemplateBody): Promise<Listing> {
      const version = b.version ?? '1.0.0';
      if (!VERSION.test(version))
        throw new AppError('INVALID_VERSION', `Version '${version}' is not of the form MAJOR.MINOR.PATCH`, {
          field: 'version',
          value: version,
        });
      const taken = b.id ? await repo.keyTaken(sys, caller.tenantId, b.id) : null;
      if (taken) throw duplicateKey(b.id!, taken);
      const steps = b.steps ?? [];
      const inputs = b.input_schema ?? [];
      assertValidInputSchema(inputs);
      const graph = b.workflow_data ?? graphFromSteps(steps);
      assertSavable(
        graph.nodes as WorkflowNode[],
        graph.edges as WorkflowEdge[],
        b.workflow_data ? 'workflow_data' : 'steps',
      );
      const content: TemplateContent = {
        key: b.id ?? null,
        author: b.author ?? 'Unknown',
        version,
        integrations: b.integrations ?? [],
        complexity: b.complexity ?? 'Intermediate',
        industry: b.industry ?? null,
        estimated_duration: b.estimated_duration ?? steps.reduce((n, s) => n + (s.estimated_duration ?? 0), 0),
        multi_step_support: b.multi_step_support ?? steps.length > 1,
        pause_resume_support: b.pause_resume_support ?? false,
        input_schema: inputs,
        steps,
        workflow_data: graph as TemplateContent['workflow_data'],
        prerequisites: b.prerequisites ?? [],
        use_cases: b.use_cases ?? [],
        benefits: b.benefits ?? [],
      };
      const publish = engine.publish(caller, {
        source_id: null,
        name: b.name,
        description: b.description ?? '',
        long_description: b.long_description ?? '',
        category: b.category ?? 'General',
        subtype: b.template_type ?? 'advanced',
        tags: b.tags ?? [],
        price: 0,
        documentation_url: null,
        marketplace_type: b.marketplace_type ?? 'private',
        content: content as unknown as Record<string, unknown>,
        config_schema: null,
        dependencies: [],
      });
      // Two concurrent creates with one key: the unique index decides, the loser gets the same 409.
      return publish.catch(async (err) => {
        if (b.id && isUniqueViolation(err))
          throw duplicateKey(b.id, (await repo.keyTaken(sys, caller.tenantId, b.id)) ?? '');
        throw err;
      });
    },

    /** "Import into your workspace": the template's graph becomes a new workflow of the caller's tenant. */
    async importTemplate(caller: Caller, idOrKey: string): Promise<Workflow> {
      const l = await find(caller.tenantId, idOrKey);
      const c = contentOf(l);
      return fromTemplate(caller, l, {
        name: `${IMPORTED_PREFIX}${l.name}`,
        document_name: l.name,
        description: l.description,
        category: l.category,
        nodes: c.workflow_data.nodes,
        edges: c.workflow_data.edges,
        version: c.version,
        source: 'template',
        template_id: l.id,
        input_schema: c.input_schema.length ? c.input_schema : null,
        steps: c.steps.length ? c.steps : null,
        user_inputs: null,
        imported: true,
      });
    },

    /** A workflow from a template with the user's inputs, checked against its input_schema first. */
    async createWorkflow(
      caller: Caller,
      idOrKey: string,
      name: string,
      parameters: Record<string, unknown>,
    ): Promise<{ workflow: Workflow; template: Listing }> {
      const l = await find(caller.tenantId, idOrKey);
      const c = contentOf(l);
      const userInputs = validateParameters(c.input_schema, parameters);
      const workflow = await fromTemplate(caller, l, {
        name,
        document_name: null,
        description: l.description,
        category: l.category,
        nodes: c.workflow_data.nodes,
        edges: c.workflow_data.edges,
        version: c.version,
        source: 'template',
        template_id: l.id,
        input_schema: c.input_schema,
        steps: c.steps,
        user_inputs: userInputs,
      });
      return { workflow, template: l };
    },

    async exportTemplate(viewer: string | null, idOrKey: string) {
      const l = await find(viewer, idOrKey);
      const c = contentOf(l);
      return toDocument({
        name: l.name,
        description: l.description,
        nodes: c.workflow_data.nodes,
        edges: c.workflow_data.edges,
        version: c.version,
      });
    },

    async featured(limit: number): Promise<Listing[]> {
      const ids = await repo.featuredIds(sys, limit);
      return Promise.all(ids.map((id) => engine.visible(null, id)));
    },

    statistics: (viewer: string | null) => repo.statistics(sys, viewer),
  };
}
