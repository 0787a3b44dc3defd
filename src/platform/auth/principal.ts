import type { TenantRow } from './credential-repo.js';
import type { Permission, Role } from './permissions.js';

/** Who is calling, resolved from the credential alone. */
export interface Principal {
  kind: 'user' | 'api_key' | 'admin' | 'federation';
  /** The tenant the credential belongs to; null for the bare platform admin key and federation peers. */
  tenantId: string | null;
  tenant: TenantRow | null;
  userId: string | null;
  keyId: string | null;
  role: Role | null;
  scope: 'read' | 'read_write';
  permissions: ReadonlySet<Permission>;
  /** Bucket for rate limiting: one per credential. */
  rateKey: string;
  /** Federation: the registered peer's id and source URL. */
  peer?: { id: string; source: string };
}
