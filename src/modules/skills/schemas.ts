import { type Static, Type } from '@sinclair/typebox';
import { StringEnum } from '../../platform/http/schema.js';
import { DeclaredPackages } from '../packages/schemas.js';

export const SKILL_TYPES = ['api', 'function', 'script', 'docker', 'container'] as const;
const Json = Type.Record(Type.String(), Type.Unknown());
const ACTION_PATTERN = '^[a-z][a-z0-9_]{0,63}$';

export const CreatePrivateSkillBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    skill_type: Type.String(),
    input_schema: Type.Optional(Json),
    output_schema: Type.Optional(Json),
    config: Type.Optional(Json),
    config_schema: Type.Optional(Json),
    code: Type.Optional(Type.String({ maxLength: 200_000 })),
    endpoint: Type.Optional(Type.String({ maxLength: 2000 })),
    dependencies: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
    python_packages: Type.Optional(DeclaredPackages),
    npm_packages: Type.Optional(DeclaredPackages),
    high_risk: Type.Optional(Type.Boolean()),
    risk_reason: Type.Optional(Type.String({ maxLength: 500 })),
    action: Type.Optional(
      Type.String({
        pattern: ACTION_PATTERN,
        description:
          'Governance action the skill performs (see /api/governance/actions); undeclared skills count as `execute`',
      }),
    ),
    integrations: Type.Optional(
      Type.Array(Type.String({ maxLength: 40 }), {
        maxItems: 10,
        uniqueItems: true,
        description:
          'OAuth integrations the skill uses (github, google, slack, …): each run gets a fresh access token from ' +
          "the tenant's connection (function skills: env.integrations.<provider>; api skills: Authorization: " +
          'Bearer when exactly one). Not connected: the call fails with INTEGRATION_NOT_CONNECTED',
      }),
    ),
    license: Type.Optional(Type.String({ maxLength: 100 })),
    repository_url: Type.Optional(Type.String({ maxLength: 2000, format: 'uri' })),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const PublishBody = Type.Object(
  {
    skill_id: Type.String(),
    price: Type.Optional(Type.Number({ minimum: 0 })),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
    long_description: Type.Optional(Type.String({ maxLength: 20_000 })),
    documentation_url: Type.Optional(Type.String({ maxLength: 2000 })),
    license: Type.Optional(Type.String({ maxLength: 100 })),
    draft: Type.Optional(
      Type.Boolean({ description: 'Keep the listing as a draft; submit it later with POST /api/skills/{id}/submit' }),
    ),
    action: Type.Optional(
      Type.String({
        pattern: ACTION_PATTERN,
        description:
          'Governance action the skill performs, one of GET /api/governance/actions; recorded on the listing and ' +
          'the private skill. Required unless the private skill declares one: a skill without an action counts as ' +
          '`execute` (level 4, autonomous agents only)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const InstallBody = Type.Object(
  {
    skill_id: Type.String(),
    agent_id: Type.Optional(Type.String()),
    config_overrides: Type.Optional(Json),
  },
  { additionalProperties: false },
);

export const RateBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 1, maximum: 5 }),
    review: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const SkillSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  category: Type.String(),
  skill_type: Type.Union([Type.String(), Type.Null()]),
  price: Type.Number(),
  rating: Type.Number(),
  rating_count: Type.Integer(),
  installs: Type.Integer(),
  tags: Type.Array(Type.String()),
  is_approved: Type.Boolean(),
  created_at: Type.String(),
  action: Type.String({
    description:
      'Governance action of the skill as a tool; listings published before actions were required count as `execute`',
  }),
});

export const MarketplaceQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String()),
  tags: Type.Optional(Type.String({ description: 'Comma-separated; any of them matches' })),
  skill_type: Type.Optional(Type.String()),
  min_price: Type.Optional(Type.Number({ minimum: 0 })),
  max_price: Type.Optional(Type.Number({ minimum: 0 })),
  is_free: Type.Optional(Type.Boolean()),
  featured: Type.Optional(Type.Boolean()),
  sort_by: Type.Optional(StringEnum(['popularity', 'rating', 'installs', 'created_at'] as const)),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type MarketplaceQuery = Static<typeof MarketplaceQuery>;

export const ExecuteBody = Type.Object({ input: Type.Optional(Type.Unknown()) }, { additionalProperties: false });
export const ExecuteResult = Type.Object({
  success: Type.Boolean(),
  execution_id: Type.String(),
  status: Type.String(),
  output: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Integer(),
});

export const PackagesInstalled = Type.Array(
  Type.Object({
    package_name: Type.String(),
    package_type: Type.String(),
    version: Type.Union([Type.String(), Type.Null()]),
    status: Type.String(),
  }),
);
