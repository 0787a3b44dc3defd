import { type Static, Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from '../../platform/http/schema.js';
import { Edges, Nodes } from './graph.js';
import { InputSchema } from './inputs.js';

export const TEMPLATE_TYPES = [
  { value: 'legacy', label: 'Legacy', description: 'Legacy workflow templates' },
  { value: 'advanced', label: 'Advanced', description: 'Advanced workflow templates' },
  { value: 'industry', label: 'Industry', description: 'Industry workflow templates' },
] as const;
export const TEMPLATE_TYPE_VALUES = TEMPLATE_TYPES.map((t) => t.value);
export const COMPLEXITIES = ['Beginner', 'Intermediate', 'Advanced'] as const;

const Str = (max: number) => Type.String({ maxLength: max });
const StrList = (max = 50) => Type.Array(Type.String({ maxLength: 200 }), { maxItems: max });
const Json = Type.Record(Type.String(), Type.Unknown());

export const WorkflowData = Type.Object({ nodes: Nodes, edges: Edges });

export const Step = Type.Object({
  step_id: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  step_type: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Str(2000)),
  estimated_duration: Type.Optional(Type.Integer({ minimum: 0 })),
  depends_on: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
  config: Type.Optional(Json),
});
export type Step = Static<typeof Step>;

/** The seed's advanced template body, plus what legacy/industry templates and the publishing lifecycle need. */
export const CreateTemplateBody = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '^[A-Za-z0-9_.-]+$',
        description: "The author's key for the template; lookups accept it as well as the listing id",
      }),
    ),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Str(2000)),
    long_description: Type.Optional(Str(20_000)),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    author: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    version: Type.Optional(Type.String({ maxLength: 50 })),
    integrations: Type.Optional(StrList()),
    complexity: Type.Optional(StringEnum(COMPLEXITIES)),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
    template_type: Type.Optional(StringEnum(TEMPLATE_TYPE_VALUES)),
    industry: Type.Optional(Type.String({ maxLength: 100 })),
    input_schema: Type.Optional(InputSchema),
    steps: Type.Optional(Type.Array(Step, { maxItems: 200 })),
    workflow_data: Type.Optional(WorkflowData),
    estimated_duration: Type.Optional(Type.Integer({ minimum: 0 })),
    multi_step_support: Type.Optional(Type.Boolean()),
    pause_resume_support: Type.Optional(Type.Boolean()),
    prerequisites: Type.Optional(StrList()),
    use_cases: Type.Optional(StrList()),
    benefits: Type.Optional(StrList()),
    marketplace_type: Type.Optional(
      StringEnum(['private', 'public'] as const, {
        description: 'private (default): visible to your tenant at once; public: visible to all after platform review',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateTemplateBody = Static<typeof CreateTemplateBody>;

export const TemplateSummary = Type.Object({
  id: Type.String(),
  template_key: Nullable(Type.String()),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  author: Type.String(),
  version: Type.String(),
  integrations: Type.Array(Type.String()),
  complexity: Type.String(),
  tags: Type.Array(Type.String()),
  estimated_duration: Type.Integer(),
  multi_step_support: Type.Boolean(),
  pause_resume_support: Type.Boolean(),
  downloads: Type.Integer(),
  rating: Type.Number(),
  rating_count: Type.Integer(),
  template_type: Type.String(),
  industry: Nullable(Type.String()),
  status: Type.String(),
  marketplace_type: Type.String(),
  is_featured: Type.Boolean(),
  created_at: Type.String(),
});

export const TemplateDetails = Type.Composite([
  TemplateSummary,
  Type.Object({
    long_description: Type.String(),
    workflow_data: WorkflowData,
    input_schema: InputSchema,
    steps: Type.Array(Step),
    prerequisites: Type.Array(Type.String()),
    use_cases: Type.Array(Type.String()),
    benefits: Type.Array(Type.String()),
  }),
]);

export const TemplatesQuery = Type.Object({
  category: Type.Optional(Type.String({ maxLength: 100 })),
  template_type: Type.Optional(StringEnum(TEMPLATE_TYPE_VALUES)),
  industry: Type.Optional(Type.String({ maxLength: 100 })),
  complexity: Type.Optional(StringEnum(COMPLEXITIES)),
  tags: Type.Optional(
    Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 20,
      description: 'Repeat the parameter or separate with commas',
    }),
  ),
  query: Type.Optional(Type.String({ maxLength: 200 })),
  sort_by: Type.Optional(StringEnum(['popularity', 'rating', 'installs', 'created_at'] as const)),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const ImportedWorkflow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nodes: Nodes,
  edges: Edges,
  imported_at: Type.String(),
});

export const WorkflowDocument = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  nodes: Nodes,
  edges: Edges,
  metadata: Type.Object({ exported_at: Type.String(), version: Type.String() }),
});

/** What import accepts: an exported document (metadata optional), or a template's `workflow_data`. */
export const ImportDocument = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  nodes: Type.Optional(Nodes),
  edges: Type.Optional(Edges),
  workflow_data: Type.Optional(WorkflowData),
  metadata: Type.Optional(Type.Object({ version: Type.Optional(Type.String({ maxLength: 50 })) })),
});
export type ImportDocument = Static<typeof ImportDocument>;

export const ExportBody = Type.Object({
  workflow_id: Type.Optional(Type.String({ description: 'Export a stored workflow of your tenant' })),
  template_id: Type.Optional(Type.String({ description: 'Export a template you can see' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  nodes: Type.Optional(Nodes),
  edges: Type.Optional(Edges),
});

export const WorkflowView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Nullable(Type.String()),
  nodes: Nodes,
  edges: Edges,
  version: Type.String(),
  source: Type.String(),
  template_id: Nullable(Type.String()),
  input_schema: Nullable(InputSchema),
  steps: Nullable(Type.Array(Step)),
  user_inputs: Nullable(Json),
  imported_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  active: Type.Boolean({ description: 'Only an active workflow fires its webhook and schedule triggers' }),
  activated_at: Nullable(Type.String()),
  webhook_url: Nullable(
    Type.String({ description: "The webhook trigger's URL while active (POST a signed JSON body)" }),
  ),
  schedules: Type.Optional(
    Type.Array(
      Type.Object({
        node_id: Type.String(),
        cron: Type.String(),
        timezone: Type.String(),
        next_at: Type.String(),
        last_fired_at: Nullable(Type.String()),
      }),
    ),
  ),
});

export const CreateWorkflowBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    nodes: Nodes,
    edges: Edges,
  },
  { additionalProperties: false },
);

export const UpdateWorkflowBody = Type.Partial(CreateWorkflowBody, { additionalProperties: false });
