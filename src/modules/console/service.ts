import type { AppContext } from '../../platform/context.js';
import { SYSTEM } from '../../platform/db/index.js';
import { pendingListings } from '../marketplace/queries.js';
import type { Listing, ListingKind } from '../marketplace/service.js';

/** The review queue the web console shows the platform admin. */
export function consoleService(ctx: AppContext) {
  return {
    /** Listings of one kind (or all) waiting for the platform reviewer. */
    async pending(kind: ListingKind | null, limit: number, offset: number) {
      const { items, total } = await pendingListings(ctx.db.as(SYSTEM), kind, limit, offset);
      return { items: items.map(summary), total, limit, offset, has_more: offset + items.length < total };
    },
  };
}

function summary(l: Listing & { tenant_name: string | null }) {
  return {
    id: l.id,
    kind: l.kind,
    tenant_id: l.tenant_id,
    tenant_name: l.tenant_name,
    name: l.name,
    description: l.description,
    category: l.category,
    subtype: l.subtype,
    tags: l.tags,
    marketplace_type: l.marketplace_type,
    status: l.status,
    created_at: l.created_at,
  };
}
