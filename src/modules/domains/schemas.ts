import { Type } from '@sinclair/typebox';

const Json = Type.Record(Type.String(), Type.Unknown());
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 });
const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CreateDomainBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    topics: Type.Optional(Tags),
    knowledge: Type.Optional(Json),
    config: Type.Optional(Json),
    config_schema: Type.Optional(Json),
    requires_domains: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const TenantDomain = Type.Object({
  domain_id: Type.String(),
  domain_name: Type.String(),
  domain_slug: Type.String(),
  description: Type.String(),
  category: Type.String(),
  topics: Type.Array(Type.String()),
  knowledge: Json,
  config: Json,
  config_schema: Nullable(Json),
  requires_domains: Type.Array(Type.String()),
  template_id: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const SubmitBody = Type.Object(
  {
    domain_id: Type.String({ minLength: 1, maxLength: 100 }),
    price_usd: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    license_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    tags: Type.Optional(Tags),
    marketplace_type: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
  },
  { additionalProperties: false },
);

export const InstallBody = Type.Object(
  {
    template_domain_id: Type.String({ minLength: 1, maxLength: 100 }),
    custom_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    config: Type.Optional(Json),
  },
  { additionalProperties: false },
);

export const RateBody = Type.Object(
  {
    rating: Type.Number({ minimum: 1, maximum: 5, multipleOf: 0.5 }),
    review: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  tags: Type.Optional(Type.String({ maxLength: 1000 })),
  max_price: Type.Optional(Type.Number({ minimum: 0 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const MarketDomain = Type.Object({
  id: Type.String(),
  domain_name: Type.String(),
  domain_slug: Type.String(),
  description: Type.String(),
  category: Type.String(),
  price_usd: Type.Number(),
  license_type: Type.String(),
  tags: Type.Array(Type.String()),
  install_count: Type.Integer(),
  rating_average: Type.Number(),
  rating_count: Type.Integer(),
  publisher_tenant_id: Type.String(),
});

export const DomainDetails = Type.Composite([
  MarketDomain,
  Type.Object({
    status: Type.String(),
    topics: Type.Array(Type.String()),
    config_schema: Nullable(Json),
    dependencies: Type.Array(Type.String()),
    created_at: Type.String(),
  }),
]);

export const Submission = Type.Object({
  domain_id: Type.String(),
  domain_name: Type.String(),
  status: Type.String(),
  price_usd: Type.Number(),
  install_count: Type.Integer(),
  rating_average: Type.Number(),
  rating_count: Type.Integer(),
  marketplace_type: Type.String(),
  rejection_reason: Nullable(Type.String()),
  created_at: Type.String(),
});
