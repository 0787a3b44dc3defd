import { readSnapshot } from '../agent-templates/snapshot.js';
import type { Listing } from '../marketplace/service.js';
import type { KeyRow } from './repo.js';

const common = (l: Listing, instance: string, path: string) => ({
  id: l.id,
  name: l.name,
  description: l.description,
  category: l.category,
  tags: l.tags,
  price: l.price,
  avg_rating: l.rating,
  rating: l.rating,
  rating_count: l.rating_count,
  installs: l.installs,
  documentation_url: l.documentation_url,
  created_at: l.created_at,
  approved_at: l.approved_at,
  source_instance: instance,
  bundle_url: `${instance}/api/federation/v1/marketplace/${path}/${l.id}/bundle`,
});

/**
 * A discoverable agent template; `agent_id` is the id the bundle route takes (the listing id, never the publisher's
 * agent id).
 */
export function agentItem(l: Listing, instance: string) {
  const s = readSnapshot(l.content);
  return {
    ...common(l, instance, 'agents'),
    agent_id: l.id,
    template_id: l.id,
    capabilities: s.capabilities,
    maturity_level: s.maturity_level,
    pricing_tier: s.pricing_tier,
    role: s.role,
    version: s.version,
    required_skills: s.required_skills,
    marketplace_type: l.marketplace_type,
  };
}

export function skillItem(l: Listing, instance: string) {
  return { ...common(l, instance, 'skills'), skill_id: l.id, skill_type: l.subtype };
}

export function keyView(k: KeyRow) {
  const active = !k.revoked_at && !(k.expires_at && Date.parse(k.expires_at) <= Date.now());
  return { ...k, active };
}
