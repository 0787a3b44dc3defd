import type { Listing } from '../marketplace/service.js';
import { readSnapshot } from './snapshot.js';

/** The guide's word for an approved listing is "published"; the engine's is "approved". */
export function publicationStatus(l: Listing): string {
  return l.status === 'approved' ? 'published' : l.status;
}

/** marketplace-api.txt `GET /api/agent-marketplace/browse` item. */
export function toBrowseItem(l: Listing) {
  const s = readSnapshot(l.content);
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    category: l.category,
    price: l.price,
    rating: l.rating,
    installs: l.installs,
    version: s.version,
  };
}

/** The guides' agent item (`items[]` of `GET /api/agent-marketplace/agents`). */
export function toItem(l: Listing) {
  const s = readSnapshot(l.content);
  return {
    id: l.id,
    template_id: l.id,
    agent_id: l.source_id,
    source_tenant_id: l.tenant_id,
    name: l.name,
    description: l.description,
    category: l.category,
    capabilities: s.capabilities,
    maturity_level: s.maturity_level,
    pricing_tier: s.pricing_tier,
    marketplace_type: l.marketplace_type,
    tags: l.tags,
    price: l.price,
    avg_rating: l.rating,
    rating: l.rating,
    rating_count: l.rating_count,
    installs: l.installs,
    version: s.version,
    status: publicationStatus(l),
    documentation_url: l.documentation_url,
    created_at: l.created_at,
  };
}

/** Publication status, as `get_publication_status` polls it. */
export function toStatus(l: Listing) {
  return {
    success: true,
    component_id: l.id,
    template_id: l.id,
    status: publicationStatus(l),
    approval_status: l.status,
    marketplace_type: l.marketplace_type,
    reason: l.status === 'rejected' ? l.rejection_reason : null,
    submitted_at: l.created_at,
    reviewed_at: l.status === 'approved' ? l.approved_at : l.status === 'rejected' ? l.updated_at : null,
  };
}

/** Details: the item plus the snapshot (the clean JSON document federation bundles are built from). */
export function toDetail(l: Listing) {
  const s = readSnapshot(l.content);
  const { success: _s, ...publication } = toStatus(l);
  return {
    ...toItem(l),
    long_description: l.long_description,
    required_skills: s.required_skills,
    required_credentials: s.required_credentials,
    snapshot: s,
    publication,
  };
}
