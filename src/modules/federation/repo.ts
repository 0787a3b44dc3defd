import type { Executor } from '../../platform/db/index.js';

/**
 * SQL for federation. Instance keys, peers, keys and nonces are platform data (SYSTEM executor); imports are tenant
 * data.
 */
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

// --- this instance's signing keys ---
export interface InstanceKeyRow {
  key_id: string;
  public_key: string;
  private_key_sealed: string;
  created_at: string;
}

export async function activeInstanceKey(sys: Executor): Promise<InstanceKeyRow | null> {
  const [row] = await sys.query<InstanceKeyRow>(
    'SELECT key_id, public_key, private_key_sealed, created_at FROM federation_instance_keys WHERE active',
  );
  return row ?? null;
}

export async function instanceKeys(sys: Executor): Promise<InstanceKeyRow[]> {
  return sys.query<InstanceKeyRow>(
    'SELECT key_id, public_key, private_key_sealed, created_at FROM federation_instance_keys ' +
      'ORDER BY active DESC, created_at DESC',
  );
}

export async function insertInstanceKey(
  sys: Executor,
  k: { key_id: string; public_key: string; private_key_sealed: string },
): Promise<void> {
  await sys.query(
    `INSERT INTO federation_instance_keys (key_id, public_key, private_key_sealed) VALUES ($1, $2, $3) ON CONFLICT
         DO NOTHING`,
    [k.key_id, k.public_key, k.private_key_sealed],
  );
}

// --- peers ---
export interface PeerKey {
  key_id: string;
  alg: 'ed25519';
  public_key: string;
}
export interface PeerRow {
  id: string;
  name: string;
  base_url: string;
  outbound_key_sealed: string | null;
  public_keys: PeerKey[];
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
}
const PEER = 'id, name, base_url, outbound_key_sealed, public_keys, status, created_at, updated_at';
const toPeer = (r: Record<string, unknown>): PeerRow => ({
  ...(r as unknown as PeerRow),
  created_at: iso(r.created_at)!,
  updated_at: iso(r.updated_at)!,
});

export async function insertPeer(
  sys: Executor,
  p: Omit<PeerRow, 'created_at' | 'updated_at' | 'status'>,
): Promise<PeerRow> {
  const [row] = await sys.query(
    `INSERT INTO federation_peers (id, name, base_url, outbound_key_sealed, public_keys) VALUES ($1,$2,$3,$4,$5)
         RETURNING ${PEER}`,
    [p.id, p.name, p.base_url, p.outbound_key_sealed, JSON.stringify(p.public_keys)],
  );
  return toPeer(row);
}

export async function findPeer(sys: Executor, id: string): Promise<PeerRow | null> {
  const [row] = await sys.query(`SELECT ${PEER} FROM federation_peers WHERE id = $1`, [id]);
  return row ? toPeer(row) : null;
}

export async function findPeerByUrl(sys: Executor, baseUrl: string): Promise<PeerRow | null> {
  const [row] = await sys.query(`SELECT ${PEER} FROM federation_peers WHERE base_url = $1`, [baseUrl]);
  return row ? toPeer(row) : null;
}

export async function listPeers(
  sys: Executor,
  limit: number,
  offset: number,
): Promise<{ items: PeerRow[]; total: number }> {
  const rows = await sys.query(
    `SELECT ${PEER}, count(*) OVER ()::int AS total FROM federation_peers ORDER BY created_at DESC, id LIMIT $1
         OFFSET $2`,
    [limit, offset],
  );
  return { items: rows.map(toPeer), total: rows.length ? Number(rows[0].total) : 0 };
}

export async function updatePeer(
  sys: Executor,
  id: string,
  p: {
    name?: string;
    base_url?: string;
    outbound_key_sealed?: string | null;
    public_keys?: PeerKey[];
    status?: string;
  },
): Promise<PeerRow | null> {
  const [row] = await sys.query(
    `UPDATE federation_peers SET name = coalesce($2, name), base_url = coalesce($3, base_url),
       outbound_key_sealed = CASE WHEN $4::boolean THEN $5 ELSE outbound_key_sealed END,
       public_keys = coalesce($6::jsonb, public_keys), status = coalesce($7, status), updated_at = now()
     WHERE id = $1 RETURNING ${PEER}`,
    [
      id,
      p.name ?? null,
      p.base_url ?? null,
      p.outbound_key_sealed !== undefined,
      p.outbound_key_sealed ?? null,
      p.public_keys ? JSON.stringify(p.public_keys) : null,
      p.status ?? null,
    ],
  );
  return row ? toPeer(row) : null;
}

export async function deletePeer(sys: Executor, id: string): Promise<boolean> {
  return (await sys.query('DELETE FROM federation_peers WHERE id = $1 RETURNING id', [id])).length > 0;
}

// --- inbound federation keys ---
export interface KeyRow {
  id: string;
  peer_id: string;
  name: string;
  prefix: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}
const KEY = 'id, peer_id, name, prefix, expires_at, revoked_at, last_used_at, created_at';
const toKey = (r: Record<string, unknown>): KeyRow => ({
  ...(r as unknown as KeyRow),
  expires_at: iso(r.expires_at),
  revoked_at: iso(r.revoked_at),
  last_used_at: iso(r.last_used_at),
  created_at: iso(r.created_at)!,
});

export async function insertKey(
  sys: Executor,
  k: { id: string; peer_id: string; name: string; prefix: string; key_hash: string; expires_at: string | null },
): Promise<KeyRow> {
  const [row] = await sys.query(
    `INSERT INTO federation_keys (id, peer_id, name, prefix, key_hash, expires_at) VALUES ($1,$2,$3,$4,$5,$6)
         RETURNING ${KEY}`,
    [k.id, k.peer_id, k.name, k.prefix, k.key_hash, k.expires_at],
  );
  return toKey(row);
}

export async function listKeys(
  sys: Executor,
  peerId: string | null,
  limit: number,
  offset: number,
): Promise<{ items: KeyRow[]; total: number }> {
  const rows = await sys.query(
    `SELECT ${KEY}, count(*) OVER ()::int AS total FROM federation_keys WHERE ($1::text IS NULL OR peer_id = $1)
     ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
    [peerId, limit, offset],
  );
  return { items: rows.map(toKey), total: rows.length ? Number(rows[0].total) : 0 };
}

export async function revokeKey(sys: Executor, id: string): Promise<KeyRow | null> {
  const [row] = await sys.query(
    `UPDATE federation_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY}`,
    [id],
  );
  return row ? toKey(row) : null;
}

/** A key by its hash with its peer's URL and status; the caller decides validity. */
export async function findKeyByHash(sys: Executor, hash: string) {
  const [row] = await sys.query(
    `SELECT k.id, k.peer_id, k.key_hash, k.expires_at, k.revoked_at, k.last_used_at, p.base_url, p.status AS peer_status
     FROM federation_keys k JOIN federation_peers p ON p.id = k.peer_id WHERE k.key_hash = $1`,
    [hash],
  );
  if (!row) return null;
  return {
    id: row.id as string,
    peer_id: row.peer_id as string,
    key_hash: row.key_hash as string,
    base_url: row.base_url as string,
    peer_status: row.peer_status as string,
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}

export async function touchKey(sys: Executor, id: string): Promise<void> {
  await sys.query('UPDATE federation_keys SET last_used_at = now() WHERE id = $1', [id]);
}

// --- nonces ---
/** Records a nonce; false when it was seen before. Prunes nonces older than `keepSeconds`. */
export async function rememberNonce(
  sys: Executor,
  peerId: string,
  nonce: string,
  keepSeconds: number,
): Promise<boolean> {
  await sys.query(`DELETE FROM federation_nonces WHERE seen_at < now() - make_interval(secs => $1)`, [keepSeconds]);
  const rows = await sys.query(
    'INSERT INTO federation_nonces (peer_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce',
    [peerId, nonce],
  );
  return rows.length > 0;
}

// --- imports (tenant data) ---
export interface ImportRow {
  tenant_id: string;
  id: string;
  peer_id: string;
  source_instance: string;
  kind: string;
  origin_listing_id: string;
  local_listing_id: string;
  digest: string;
  agent_id: string | null;
  installation_id: string | null;
  created_at: string;
  updated_at: string;
}
const IMPORT =
  'tenant_id, id, peer_id, source_instance, kind, origin_listing_id, local_listing_id, digest, agent_id, ' +
  'installation_id, created_at, updated_at';
const toImport = (r: Record<string, unknown>): ImportRow => ({
  ...(r as unknown as ImportRow),
  created_at: iso(r.created_at)!,
  updated_at: iso(r.updated_at)!,
});

export async function findImport(
  ex: Executor,
  tenantId: string,
  peerId: string,
  kind: string,
  originId: string,
): Promise<ImportRow | null> {
  const [row] = await ex.query(
    `SELECT ${IMPORT} FROM federation_imports WHERE tenant_id = $1 AND peer_id = $2 AND kind = $3
         AND origin_listing_id = $4`,
    [tenantId, peerId, kind, originId],
  );
  return row ? toImport(row) : null;
}

export async function upsertImport(
  ex: Executor,
  tenantId: string,
  r: Omit<ImportRow, 'tenant_id' | 'created_at' | 'updated_at'>,
): Promise<ImportRow> {
  const [row] = await ex.query(
    `INSERT INTO federation_imports (tenant_id, id, peer_id, source_instance, kind, origin_listing_id,
         local_listing_id, digest, agent_id, installation_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
     ON CONFLICT (tenant_id, peer_id, kind, origin_listing_id) DO UPDATE
       SET local_listing_id = EXCLUDED.local_listing_id,
       source_instance = EXCLUDED.source_instance,
       digest = CASE WHEN federation_imports.local_listing_id = EXCLUDED.local_listing_id THEN
         federation_imports.digest ELSE EXCLUDED.digest END, agent_id = coalesce(EXCLUDED.agent_id,
         federation_imports.agent_id),
       installation_id = coalesce(EXCLUDED.installation_id, federation_imports.installation_id), updated_at = now()
     RETURNING ${IMPORT}`,
    [
      tenantId,
      r.id,
      r.peer_id,
      r.source_instance,
      r.kind,
      r.origin_listing_id,
      r.local_listing_id,
      r.digest,
      r.agent_id,
      r.installation_id,
    ],
  );
  return toImport(row);
}

export async function listImports(
  ex: Executor,
  tenantId: string,
  kind: string | null,
  limit: number,
  offset: number,
): Promise<{ items: ImportRow[]; total: number }> {
  const rows = await ex.query(
    `SELECT ${IMPORT}, count(*) OVER ()::int AS total FROM federation_imports WHERE tenant_id = $1
         AND ($2::text IS NULL OR kind = $2)
     ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
    [tenantId, kind, limit, offset],
  );
  return { items: rows.map(toImport), total: rows.length ? Number(rows[0].total) : 0 };
}
