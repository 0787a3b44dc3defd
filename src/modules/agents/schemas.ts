import { type Static, Type } from '@sinclair/typebox';
import { Pagination } from '../../platform/http/pagination.js';
import { MATURITY_LEVELS } from '../governance/policy.js';

export const ROLES = ['general-assistant', 'finance-agent', 'marketing-agent', 'developer-agent', 'custom'] as const;
export const Maturity = Type.Union(MATURITY_LEVELS.map((m) => Type.Literal(m)));
export const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('paused')]);
const Capabilities = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 });
export const MAX_TURNS = { default: 8, max: 32 } as const;
const Configuration = Type.Object(
  {
    max_turns: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_TURNS.max,
        description: `Model turns a run may take (default ${MAX_TURNS.default})`,
      }),
    ),
  },
  {
    additionalProperties: true,
    description: 'LLM configuration (temperature, max_tokens, system_prompt, max_turns, …)',
  },
);
const Time = Type.String({ format: 'date-time' });

export const AgentSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(),
  maturity_level: Maturity,
  status: Status,
  capabilities: Type.Array(Type.String()),
  tenant_id: Type.String(),
  created_at: Time,
  updated_at: Time,
});

export const Statistics = Type.Object({
  total_executions: Type.Integer(),
  successful_executions: Type.Integer(),
  success_rate: Type.Number(),
  avg_confidence: Type.Union([Type.Number(), Type.Null()]),
  last_execution: Type.Union([Time, Type.Null()]),
});

export const GraduationSummary = Type.Object({
  current_level: Maturity,
  readiness_score: Type.Number(),
  eligible_levels: Type.Array(Type.String()),
  episodes_until_exam: Type.Integer(),
});

export const AgentDetail = Type.Intersect([
  AgentSummary,
  Type.Object({ configuration: Configuration, statistics: Statistics, graduation: GraduationSummary }),
]);

/** An agent with its configuration: what PUT /api/agents/{id} answers (agent API seed, Update Agent). */
export const AgentWithConfiguration = Type.Intersect([AgentSummary, Type.Object({ configuration: Configuration })]);

export const AgentList = Type.Object({ agents: Type.Array(AgentSummary), pagination: Pagination });

export const CreateAgentBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    role: Role,
    maturity_level: Maturity,
    capabilities: Type.Optional(Capabilities),
    configuration: Type.Optional(Configuration),
  },
  { additionalProperties: false },
);
export type CreateAgentBody = Static<typeof CreateAgentBody>;

/** role and maturity_level are not here: maturity changes only through graduation. */
export const UpdateAgentBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    capabilities: Type.Optional(Capabilities),
    configuration: Type.Optional(Configuration),
    status: Type.Optional(Status),
    role: Type.Optional(Type.Unknown({ description: 'Refused: cannot be changed here' })),
    maturity_level: Type.Optional(Type.Unknown({ description: 'Refused: use graduation' })),
  },
  { additionalProperties: false },
);
export type UpdateAgentBody = Static<typeof UpdateAgentBody>;

export const ListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  maturity_level: Type.Optional(Maturity),
  status: Type.Optional(Status),
  sort: Type.Union([Type.Literal('created_at'), Type.Literal('name'), Type.Literal('updated_at')], {
    default: 'created_at',
  }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  q: Type.Optional(Type.String({ maxLength: 200 })),
});
export type ListQuery = Static<typeof ListQuery>;
