import { type TSchema, Type } from '@sinclair/typebox';
import { CreatePrivateSkillBody } from '../skills/schemas.js';

const Json = Type.Record(Type.String(), Type.Unknown());
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max: number) => Type.String({ minLength: 1, maxLength: max });
const List = (max = 50) => Type.Array(Type.String({ minLength: 1, maxLength: 214 }), { maxItems: max });
const Url = Type.String({ maxLength: 2000 });

export const CreateComponentBody = Type.Object(
  {
    name: Str(200),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    category: Type.Optional(Str(100)),
    component_type: Type.Optional(Str(50)),
    version: Type.Optional(Str(50)),
    code: Type.Optional(Type.String({ maxLength: 200_000 })),
    config_schema: Type.Optional(Json),
    dependencies: Type.Optional(List()),
    css_dependencies: Type.Optional(List()),
    requires_components: Type.Optional(List()),
    tags: Type.Optional(List(20)),
    thumbnail_url: Type.Optional(Url),
    preview_url: Type.Optional(Url),
    demo_url: Type.Optional(Url),
    license: Type.Optional(Str(100)),
    skill: Type.Optional(
      Type.Composite([Type.Omit(CreatePrivateSkillBody, ['name']), Type.Object({ name: Type.Optional(Str(200)) })], {
        additionalProperties: false,
      }),
    ),
  },
  { additionalProperties: false },
);

export const Component = Type.Object({
  component_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  component_type: Type.String(),
  version: Type.String(),
  config_schema: Nullable(Json),
  dependencies: Type.Array(Type.String()),
  css_dependencies: Type.Array(Type.String()),
  requires_components: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  license: Type.String(),
  skill_id: Nullable(Type.String()),
  marketplace_permission: Type.Boolean(),
  marketplace_granted_at: Nullable(Type.String()),
  created_at: Type.String(),
});

export const PublishBody = Type.Object(
  {
    component_id: Str(100),
    price: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    license: Type.Optional(Str(100)),
    tags: Type.Optional(List(20)),
    marketplace_type: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
  },
  { additionalProperties: false },
);

export const InstallBody = Type.Object(
  { component_id: Str(100), canvas_id: Str(100), config: Type.Optional(Json) },
  { additionalProperties: false },
);

export const RateBody = Type.Object(
  { rating: Type.Integer({ minimum: 1, maximum: 5 }), review: Type.Optional(Type.String({ maxLength: 5000 })) },
  { additionalProperties: false },
);

export const BrowseQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  tags: Type.Optional(Type.String({ maxLength: 1000 })),
  component_type: Type.Optional(Type.String({ maxLength: 50 })),
  min_price: Type.Optional(Type.Number({ minimum: 0 })),
  max_price: Type.Optional(Type.Number({ minimum: 0 })),
  is_free: Type.Boolean({ default: false }),
  is_featured: Type.Boolean({ default: false }),
  sort_by: Type.Union(
    ['created_at', 'updated_at', 'name', 'price', 'rating', 'installs', 'popularity'].map((s) => Type.Literal(s)),
    { default: 'created_at' },
  ),
  sort_order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const ComponentSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  component_type: Type.String(),
  tags: Type.Array(Type.String()),
  version: Type.String(),
  thumbnail_url: Nullable(Type.String()),
  price: Type.Number(),
  is_free: Type.Boolean(),
  is_featured: Type.Boolean(),
  license: Type.String(),
  installs: Type.Integer(),
  rating: Type.Number(),
  rating_count: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const Rating = Type.Object({
  id: Type.String(),
  rating: Type.Number(),
  review: Type.String(),
  helpful_count: Type.Integer(),
  not_helpful_count: Type.Integer(),
  author_response: Nullable(Type.String()),
  author_response_at: Nullable(Type.String()),
  created_at: Type.String(),
});

export const ComponentDetails = Type.Composite([
  ComponentSummary,
  Type.Object({
    code: Type.String(),
    config_schema: Nullable(Json),
    dependencies: Type.Array(Type.String()),
    css_dependencies: Type.Array(Type.String()),
    requires_components: Type.Array(Type.String()),
    preview_url: Nullable(Type.String()),
    demo_url: Nullable(Type.String()),
    has_skill: Type.Boolean(),
    status: Type.String(),
    recent_ratings: Type.Array(Type.Omit(Rating, ['not_helpful_count', 'author_response', 'author_response_at'])),
  }),
]);

export const Counted = Type.Array(Type.Object({ name: Type.String(), count: Type.Integer() }));

export const CreateCanvasBody = Type.Object(
  { name: Str(200), description: Type.Optional(Type.String({ maxLength: 5000 })), layout: Type.Optional(Json) },
  { additionalProperties: false },
);

export const Canvas = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  layout: Json,
  components: Type.Array(
    Type.Object({
      install_id: Type.String(),
      component_id: Type.String(),
      name: Type.String(),
      version_id: Nullable(Type.String()),
      config: Json,
      skill_id: Nullable(Type.String()),
      installed_at: Type.String(),
    }),
  ),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ExecutionBody = Type.Object(
  {
    agent_id: Str(100),
    task: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    status: Type.Optional(Type.Union([Type.Literal('completed'), Type.Literal('failed')])),
    result: Type.Optional(Json),
    error: Type.Optional(Type.String({ maxLength: 5000 })),
    components_used: Type.Optional(List()),
  },
  { additionalProperties: false },
);
