/**
 * JSON Schema (draft-07) of the federation bundle, format `atom.bundle` version 1. The same
 * document is committed at docs/federation/bundle.schema.json (a test keeps the two equal).
 */
const str = (maxLength = 2000) => ({ type: 'string', maxLength });
const obj = { type: 'object' };
const Listing = {
  type: 'object',
  required: ['id', 'kind', 'name', 'description', 'category', 'tags', 'version_id'],
  properties: {
    id: str(200),
    kind: { enum: ['agent_template', 'skill', 'canvas_component'] },
    name: str(200),
    description: str(5000),
    long_description: str(50_000),
    category: str(100),
    subtype: { type: ['string', 'null'], maxLength: 100 },
    tags: { type: 'array', items: str(50), maxItems: 50 },
    price: { type: 'number', minimum: 0 },
    documentation_url: { type: ['string', 'null'], maxLength: 2000 },
    version_id: { type: ['string', 'null'], maxLength: 200 },
    rating: { type: 'number' },
    rating_count: { type: 'integer' },
    installs: { type: 'integer' },
    approved_at: { type: ['string', 'null'] },
    created_at: { type: 'string' },
  },
};
const Component = {
  type: 'object',
  required: ['listing', 'content', 'config_schema', 'dependencies'],
  additionalProperties: false,
  properties: {
    listing: Listing,
    content: obj,
    config_schema: { type: ['object', 'null'] },
    dependencies: { type: 'array', items: str(200), maxItems: 100 },
  },
};

export const BUNDLE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://atom.dev/schemas/federation/bundle-v1.json',
  title: 'ATOM federation bundle, version 1',
  type: 'object',
  required: [
    'format',
    'version',
    'source_instance',
    'issued_at',
    'nonce',
    'kind',
    'listing',
    'skills',
    'canvas_components',
    'digest',
    'signature',
  ],
  additionalProperties: false,
  properties: {
    format: { const: 'atom.bundle' },
    version: { const: 1 },
    source_instance: { type: 'string', pattern: '^https?://', maxLength: 2000 },
    issued_at: { type: 'string', format: 'date-time' },
    nonce: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' },
    kind: { enum: ['agent_template', 'skill'] },
    listing: Listing,
    agent_template: {
      type: 'object',
      required: ['name', 'description', 'role', 'maturity_level', 'capabilities', 'configuration', 'required_skills'],
      properties: {
        format: { const: 'atom.agent-template/v1' },
        name: str(200),
        description: str(5000),
        role: str(100),
        maturity_level: { enum: ['student', 'intern', 'supervised', 'autonomous'] },
        capabilities: { type: 'array', items: str(100), maxItems: 50 },
        configuration: obj,
        required_skills: { type: 'array', items: str(200), maxItems: 50 },
        required_credentials: { type: 'array', items: str(500) },
        pricing_tier: str(50),
        version: str(50),
      },
    },
    skill: Component,
    skills: { type: 'array', items: Component, maxItems: 100 },
    canvas_components: { type: 'array', items: Component, maxItems: 100 },
    digest: {
      type: 'object',
      required: ['alg', 'value'],
      additionalProperties: false,
      properties: { alg: { const: 'sha-256' }, value: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
    signature: {
      type: 'object',
      required: ['alg', 'key_id', 'value'],
      additionalProperties: false,
      properties: {
        alg: { const: 'ed25519' },
        key_id: str(200),
        value: { type: 'string', pattern: '^[A-Za-z0-9_-]{86}$' },
      },
    },
  },
  allOf: [
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword; this object is never awaited
    { if: { properties: { kind: { const: 'agent_template' } } }, then: { required: ['agent_template'] } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword; this object is never awaited
    { if: { properties: { kind: { const: 'skill' } } }, then: { required: ['skill'] } },
  ],
} as const;
