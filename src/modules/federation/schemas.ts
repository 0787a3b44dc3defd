import { Type } from '@sinclair/typebox';
import { Envelope } from '../../platform/http/envelope.js';
import { Nullable, StringEnum } from '../../platform/http/schema.js';
import { PLANS } from '../../platform/plans.js';
import { MATURITY_LEVELS } from '../governance/policy.js';

const S = Type.String();
const Int = Type.Integer();
const N = Type.Number();
const Id = Type.String({ minLength: 1, maxLength: 200 });
const Url = Type.String({ minLength: 1, maxLength: 2000 });
const RawKey = Type.String({
  pattern: '^[A-Za-z0-9_-]{43}$',
  description: 'Raw 32-byte Ed25519 public key, base64url (the JWK "x")',
});

export const IdParams = Type.Object({ id: Id });
export const Paging = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

// --- discovery ---
export const DiscoverQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  capability: Type.Optional(Type.String({ maxLength: 100 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  min_rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  pricing_tier: Type.Optional(StringEnum(PLANS)),
  maturity_level: Type.Optional(StringEnum(MATURITY_LEVELS)),
  marketplace_type: Type.Optional(StringEnum(['public'], { description: 'Only public listings federate' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
export const SkillDiscoverQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String({ maxLength: 100 })),
  skill_type: Type.Optional(Type.String({ maxLength: 50 })),
  min_rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

const Common = {
  id: S,
  name: S,
  description: S,
  category: S,
  tags: Type.Array(S),
  price: N,
  avg_rating: N,
  rating: N,
  rating_count: Int,
  installs: Int,
  documentation_url: Nullable(S),
  created_at: S,
  approved_at: Nullable(S),
  source_instance: S,
  bundle_url: S,
};
export const AgentItem = Type.Object({
  ...Common,
  agent_id: S,
  template_id: S,
  capabilities: Type.Array(S),
  maturity_level: S,
  pricing_tier: S,
  role: S,
  version: S,
  required_skills: Type.Array(S),
  marketplace_type: S,
});
export const SkillItem = Type.Object({ ...Common, skill_id: S, skill_type: Nullable(S) });
const Page = { total: Int, page: Int, page_size: Int, has_more: Type.Boolean(), source_instance: S };
export const DiscoverResponse = Type.Object({
  success: Type.Literal(true),
  items: Type.Array(AgentItem),
  agents: Type.Array(AgentItem),
  ...Page,
});
export const SkillDiscoverResponse = Type.Object({
  success: Type.Literal(true),
  items: Type.Array(SkillItem),
  skills: Type.Array(SkillItem),
  ...Page,
});
export const BundleResponse = Type.Unknown({
  description: 'An atom.bundle v1 document (docs/federation/bundle.schema.json)',
});

export const WellKnownResponse = Type.Object({
  instance_url: S,
  federation_api: S,
  bundle_format: Type.Object({ format: S, version: Int, schema: S }),
  public_keys: Type.Array(
    Type.Object({ key_id: S, alg: S, public_key: S, jwk: Type.Object({ kty: S, crv: S, x: S, kid: S, use: S }) }),
  ),
});

// --- peers (platform admin) ---
const PeerKey = Type.Object({
  key_id: Type.String({ minLength: 1, maxLength: 200 }),
  alg: Type.Optional(StringEnum(['ed25519'])),
  public_key: RawKey,
});
export const Peer = Type.Object({
  id: S,
  name: S,
  base_url: S,
  has_outbound_key: Type.Boolean(),
  public_keys: Type.Array(Type.Object({ key_id: S, alg: S, public_key: S })),
  status: S,
  created_at: S,
  updated_at: S,
});
export const CreatePeerBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  base_url: Url,
  outbound_key: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'The federation key the peer issued to us (sealed at rest, never returned)',
    }),
  ),
  public_key: Type.Optional(RawKey),
  public_keys: Type.Optional(Type.Array(PeerKey, { maxItems: 20 })),
});
export const UpdatePeerBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  outbound_key: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
  public_key: Type.Optional(RawKey),
  public_keys: Type.Optional(Type.Array(PeerKey, { maxItems: 20 })),
  status: Type.Optional(StringEnum(['active', 'disabled'])),
  refresh_keys: Type.Optional(
    Type.Boolean({ description: "Fetch the public keys again from the peer's well-known URL" }),
  ),
});
export const PeerResponse = Envelope(Type.Object({ peer: Peer, public_key_status: Type.Optional(S) }));
export const PeerListResponse = Envelope(Type.Object({ peers: Type.Array(Peer), total: Int, limit: Int, offset: Int }));
export const DeletedResponse = Envelope(Type.Object({ id: S, deleted: Type.Boolean() }));

// --- inbound keys (platform admin) ---
export const FederationKey = Type.Object({
  id: S,
  peer_id: S,
  name: S,
  prefix: S,
  expires_at: Nullable(S),
  revoked_at: Nullable(S),
  last_used_at: Nullable(S),
  created_at: S,
  active: Type.Boolean(),
});
export const CreateKeyBody = Type.Object({
  peer_id: Id,
  name: Type.Optional(Type.String({ maxLength: 200 })),
  expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});
export const KeyQuery = Type.Object({ peer_id: Type.Optional(Id), ...Paging.properties });
export const CreatedKeyResponse = Envelope(
  Type.Object({ key: Type.String({ description: 'Shown once' }), federation_key: FederationKey }),
);
export const KeyResponse = Envelope(Type.Object({ federation_key: FederationKey }));
export const KeyListResponse = Envelope(
  Type.Object({ keys: Type.Array(FederationKey), total: Int, limit: Int, offset: Int }),
);

// --- install_from_bundle (tenant) ---
export const InstallBody = Type.Object({
  peer_id: Type.Optional(Id),
  source_instance: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        "The peer's URL, instead of peer_id (the guides' install_from_bundle form); with a bundle alone, its " +
        'source_instance',
    }),
  ),
  template_id: Type.Optional(Id),
  agent_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Same as template_id (the id discovery returns)' }),
  ),
  skill_id: Type.Optional(Id),
  bundle: Type.Optional(Type.Unknown({ description: 'An atom.bundle v1 document downloaded from the peer' })),
});
const Imported = Type.Array(Type.Object({ origin_id: S, local_id: S }));
export const InstallResponse = Type.Object({
  success: Type.Literal(true),
  status: S,
  message: S,
  kind: S,
  installation_id: S,
  created: Type.Boolean(),
  source_instance: S,
  peer_id: S,
  agent_id: Type.Optional(S),
  template_id: Type.Optional(S),
  origin_template_id: Type.Optional(S),
  maturity_level: Type.Optional(S),
  installed_skills: Type.Optional(Type.Array(S)),
  api_keys_configured: Type.Optional(Type.Array(S)),
  skill_id: Type.Optional(S),
  origin_skill_id: Type.Optional(S),
  imported_skills: Imported,
});
export const ImportsQuery = Type.Object({
  kind: Type.Optional(StringEnum(['agent_template', 'skill'])),
  ...Paging.properties,
});
export const ImportsResponse = Type.Object({
  success: Type.Literal(true),
  items: Type.Array(
    Type.Object({
      id: S,
      kind: S,
      peer_id: S,
      source_instance: S,
      origin_listing_id: S,
      local_listing_id: S,
      digest: S,
      agent_id: Nullable(S),
      installation_id: Nullable(S),
      created_at: S,
      updated_at: S,
    }),
  ),
  total: Int,
  limit: Int,
  offset: Int,
});
