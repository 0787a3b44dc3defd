-- Federation between ATOM instances: this instance's signing keys, registered peer instances,
-- inbound federation keys issued to peers, seen bundle nonces (replay protection), and what each
-- tenant imported from a peer.

-- Platform data: this instance's Ed25519 key pairs (private key sealed with the encryption key).
CREATE TABLE federation_instance_keys (
  key_id text PRIMARY KEY,
  alg text NOT NULL DEFAULT 'ed25519' CHECK (alg = 'ed25519'),
  public_key text NOT NULL,
  private_key_sealed text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- At most one signing key at a time (older ones stay published until removed).
CREATE UNIQUE INDEX federation_instance_keys_one_active ON federation_instance_keys (active) WHERE active;

-- Platform data: other instances this one trusts (registered by the platform admin).
CREATE TABLE federation_peers (
  id text PRIMARY KEY,
  name text NOT NULL,
  base_url text NOT NULL UNIQUE,
  outbound_key_sealed text,
  public_keys jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Platform data: keys peers use to call this instance (SHA-256 of the key; shown once).
CREATE TABLE federation_keys (
  id text PRIMARY KEY,
  peer_id text NOT NULL REFERENCES federation_peers(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX federation_keys_peer ON federation_keys (peer_id, created_at DESC);

-- Platform data: bundle nonces already accepted, per peer (pruned after the freshness window).
CREATE TABLE federation_nonces (
  peer_id text NOT NULL,
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (peer_id, nonce)
);
CREATE INDEX federation_nonces_seen ON federation_nonces (seen_at);

-- Tenant data: listings a tenant materialised from a peer's bundle (one per origin listing), and
-- the agent or install that came of it.
CREATE TABLE federation_imports (
  tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  peer_id text NOT NULL,
  source_instance text NOT NULL,
  kind text NOT NULL,
  origin_listing_id text NOT NULL,
  local_listing_id text NOT NULL,
  digest text NOT NULL,
  agent_id text,
  installation_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, peer_id, kind, origin_listing_id)
);
SELECT atom_tenant_table('federation_imports');
