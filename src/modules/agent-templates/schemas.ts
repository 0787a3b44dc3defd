import { Type } from '@sinclair/typebox';
import { PLANS } from '../../platform/plans.js';
import { MATURITY_LEVELS } from '../governance/policy.js';

const lit = <T extends string>(xs: readonly T[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const S = Type.String();
const N = Type.Number();
const Int = Type.Integer();
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Json = Type.Record(Type.String(), Type.Unknown());
export const MarketplaceType = lit(['public', 'private']);
export const MaturityLevel = lit(MATURITY_LEVELS);
export const PricingTier = lit(PLANS);
const Id = Type.String({ minLength: 1, maxLength: 200 });

export const IdParams = Type.Object({ id: Id });
export const AgentIdParams = Type.Object({ agent_id: Id });
export const TemplateIdParams = Type.Object({ template_id: Id });

export const BrowseQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const ListQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  capability: Type.Optional(Type.String({ maxLength: 100 })),
  min_rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  marketplace_type: Type.Optional(MarketplaceType),
  pricing_tier: Type.Optional(PricingTier),
  maturity_level: Type.Optional(MaturityLevel),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 });
const Capabilities = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 });

export const PublishQuery = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.String({ maxLength: 2000 }),
  price: Type.Optional(Type.Number({ minimum: 0 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

export const PublishBody = Type.Object(
  {
    agent_id: Id,
    marketplace_type: Type.Optional(MarketplaceType),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    long_description: Type.Optional(Type.String({ maxLength: 20_000 })),
    capabilities: Type.Optional(Capabilities),
    maturity_level: Type.Optional(MaturityLevel),
    pricing_tier: Type.Optional(PricingTier),
    required_skills: Type.Optional(
      Type.Array(Id, {
        maxItems: 50,
        description: 'Skill listing ids the agent needs, besides the skills installed for it',
      }),
    ),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    tags: Type.Optional(Tags),
    price: Type.Optional(Type.Number({ minimum: 0 })),
    documentation_url: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const InstallConfig = Type.Object(
  {
    api_keys: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.String({ minLength: 1, maxLength: 8192 }), {
        description: 'Encrypted at rest, never returned',
      }),
    ),
    settings: Type.Optional(Json),
  },
  { additionalProperties: false },
);

export const InstallByIdBody = Type.Object(
  { install_config: Type.Optional(InstallConfig) },
  { additionalProperties: false },
);

export const InstallBody = Type.Object(
  {
    agent_id: Id,
    source_tenant_id: Type.Optional(Id),
    target_tenant_id: Type.Optional(Id),
    install_config: Type.Optional(InstallConfig),
  },
  { additionalProperties: false },
);

export const BulkInstallBody = Type.Object(
  {
    agent_ids: Type.Array(Id, {
      minItems: 1,
      maxItems: 50,
      description: 'Template ids, or published agent ids (with source_tenant_id)',
    }),
    source_tenant_id: Type.Optional(Id),
    target_tenant_id: Type.Optional(Id),
    install_config: Type.Optional(InstallConfig),
  },
  { additionalProperties: false },
);

export const RejectQuery = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) });

// ---- responses ----
export const BrowseItem = Type.Object({
  id: S,
  name: S,
  description: S,
  category: S,
  price: N,
  rating: N,
  installs: Int,
  version: S,
});
export const BrowseResponse = Type.Object({ agents: Type.Array(BrowseItem), total: Int, limit: Int, offset: Int });

const Publication = Type.Object({
  component_id: S,
  template_id: S,
  status: S,
  approval_status: S,
  marketplace_type: S,
  reason: Nullable(S),
  submitted_at: S,
  reviewed_at: Nullable(S),
});
export const AgentItem = Type.Object({
  id: S,
  template_id: S,
  agent_id: Nullable(S),
  source_tenant_id: S,
  name: S,
  description: S,
  category: S,
  capabilities: Type.Array(S),
  maturity_level: S,
  pricing_tier: S,
  marketplace_type: S,
  tags: Type.Array(S),
  price: N,
  avg_rating: N,
  rating: N,
  rating_count: Int,
  installs: Int,
  version: S,
  status: S,
  documentation_url: Nullable(S),
  created_at: S,
});
export const ListResponse = Type.Object({
  items: Type.Array(AgentItem),
  total: Int,
  page: Int,
  page_size: Int,
  has_more: Type.Boolean(),
});
export const DetailResponse = Type.Object({
  success: Type.Boolean(),
  agent: Type.Intersect([
    AgentItem,
    Type.Object({
      long_description: S,
      required_skills: Type.Array(S),
      required_credentials: Type.Array(S),
      snapshot: Json,
      publication: Publication,
    }),
  ]),
});
export const StatusResponse = Type.Intersect([Type.Object({ success: Type.Boolean() }), Publication]);

export const PublishByIdResponse = Type.Object({ success: Type.Boolean(), template_id: S, status: S, message: S });
export const PublishResponse = Type.Object({
  success: Type.Boolean(),
  component_id: S,
  template_id: S,
  status: S,
  marketplace_type: S,
  message: S,
});

const InstallFields = {
  installation_id: S,
  agent_id: S,
  template_id: S,
  status: S,
  message: S,
  maturity_level: S,
  installed_skills: Type.Array(S),
  api_keys_configured: Type.Array(S),
};
export const InstallResponse = Type.Object({ success: Type.Boolean(), ...InstallFields });

const BulkItem = Type.Object({
  agent_id: S,
  template_id: Nullable(S),
  status: S,
  installation_id: Nullable(S),
  installed_agent_id: Nullable(S),
  created: Type.Boolean(),
  error: Type.Union([Type.Object({ code: S, message: S, details: Json }), Type.Null()]),
});
export const BulkResponse = Type.Object({
  success: Type.Boolean(),
  results: Type.Array(BulkItem),
  total: Int,
  installed: Int,
  failed: Int,
});

export const ApproveResponse = Type.Object({
  success: Type.Boolean(),
  template_id: S,
  component_id: S,
  status: S,
  approved_at: S,
});
export const RejectResponse = Type.Object({
  success: Type.Boolean(),
  template_id: S,
  component_id: S,
  status: S,
  reason: S,
});

export const InstallationsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const Installation = Type.Object({
  id: S,
  template_id: S,
  agent_id: Type.Union([S, Type.Null()]),
  installed_agent_id: S,
  name: Type.Union([S, Type.Null()]),
  source_tenant_id: S,
  version_id: Type.Union([S, Type.Null()]),
  api_key_names: Type.Array(S),
  status: S,
  created_at: S,
});
export const InstallationsResponse = Type.Object({
  success: Type.Boolean(),
  installations: Type.Array(Installation),
  total: Int,
  limit: Int,
  offset: Int,
  has_more: Type.Boolean(),
});
