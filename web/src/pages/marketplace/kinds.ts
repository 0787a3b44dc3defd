import { qs } from '../../api';

/** One listing as the console shows it, whatever marketplace it came from. */
export interface Item {
  id: string;
  name: string;
  description: string;
  category: string | null;
  rating: number | null;
  rating_count: number | null;
  installs: number | null;
  tags: string[];
  type: string | null;
  raw: Record<string, any>;
}

export interface SearchParams {
  query: string;
  category: string;
  sort: string;
  limit: number;
  offset: number;
}
type Req = { method: string; path: string; body?: unknown };

/**
 * Each marketplace kind by its routes (the seeds' paths; rating and reviews for agent and workflow
 * templates are this server's own). A failing call is shown plainly on the page.
 */
export interface KindConfig {
  id: string;
  engineKind: string;
  nav: string;
  title: string;
  noun: string;
  search(p: SearchParams): string;
  categories?: string;
  sorts: { value: string; label: string }[];
  detail(id: string): string;
  /** More about an approved listing (long description, recent reviews), merged into the detail when it answers. */
  extra?(id: string): string;
  install?(id: string, config: Record<string, unknown>, targetId?: string): Req;
  /** Where an install goes, when the kind installs into a tenant object (canvas components go into a canvas). */
  target?: {
    label: string;
    list: string;
    create: string;
    items(res: any): { id: string; name: string }[];
    createdId(res: any): string;
  };
  rate?(id: string, rating: number, review: string): Req;
  reviews?(id: string): string;
  versions?(id: string): string;
  canPublish: boolean;
  review?: { approve(id: string): Req; reject(id: string, reason: string): Req };
}

const SORTS = [
  { value: 'popularity', label: 'Most popular' },
  { value: 'rating', label: 'Best rated' },
  { value: 'installs', label: 'Most installed' },
  { value: 'created_at', label: 'Newest' },
];

const enc = encodeURIComponent;
/** Rating a listing: the same body on every kind, only the path differs. */
const rating =
  (path: (id: string) => string): KindConfig['rate'] =>
  (id, stars, review) => ({ method: 'POST', path: path(id), body: { rating: stars, review: review || undefined } });
/** Approve, and reject with the reason as a query parameter (as every kind's route takes it). */
const moderation = (approve: (id: string) => string, reject: (id: string) => string): KindConfig['review'] => ({
  approve: (id) => ({ method: 'POST', path: approve(id) }),
  reject: (id, reason) => ({ method: 'POST', path: `${reject(id)}${qs({ reason })}` }),
});
/** Kinds whose rate, approve and reject routes sit under the listing's own path. */
const nested = (listing: (id: string) => string) => ({
  rate: rating((id) => `${listing(id)}/rate`),
  review: moderation(
    (id) => `${listing(id)}/approve`,
    (id) => `${listing(id)}/reject`,
  ),
});
const agentPath = (id: string) => `/api/agent-marketplace/agents/${enc(id)}`;
const domainPath = (id: string) => `/api/v1/domains/marketplace/${enc(id)}`;
const componentPath = (id: string) => `/api/canvas-marketplace/components/${enc(id)}`;
const templatePath = (id: string) => `/api/marketplace/templates/${enc(id)}`;

export const KINDS: KindConfig[] = [
  {
    id: 'skills',
    engineKind: 'skill',
    nav: 'Skills',
    title: 'Skill marketplace',
    noun: 'skill',
    search: (p) => {
      const query = qs({ query: p.query, category: p.category, sort_by: p.sort, limit: p.limit, offset: p.offset });
      return `/api/skills/marketplace${query}`;
    },
    categories: '/api/public/v1/marketplace/categories',
    sorts: SORTS,
    detail: (id) => `/api/skills/${enc(id)}`,
    extra: (id) => `/api/public/v1/marketplace/skills/${enc(id)}`,
    install: (id, config) => ({
      method: 'POST',
      path: '/api/skills/install',
      body: { skill_id: id, config_overrides: config },
    }),
    rate: rating((id) => `/api/skills/rate/${enc(id)}`),
    reviews: (id) => `/api/public/v1/marketplace/skills/${enc(id)}/reviews`,
    versions: (id) => `/api/skills/history/${enc(id)}`,
    canPublish: true,
    review: moderation(
      (id) => `/api/skills/approve/${enc(id)}`,
      (id) => `/api/skills/reject/${enc(id)}`,
    ),
  },
  {
    id: 'agents',
    engineKind: 'agent_template',
    nav: 'Agent templates',
    title: 'Agent template marketplace',
    noun: 'agent template',
    search: (p) => {
      const query = qs({
        query: p.query,
        category: p.category,
        page: Math.floor(p.offset / p.limit) + 1,
        page_size: p.limit,
      });
      return `/api/agent-marketplace/agents${query}`;
    },
    sorts: [],
    detail: agentPath,
    install: (id) => ({ method: 'POST', path: `/api/agent-marketplace/install/${enc(id)}` }),
    ...nested(agentPath),
    reviews: (id) => `${agentPath(id)}/reviews`,
    canPublish: false,
  },
  {
    id: 'domains',
    engineKind: 'domain',
    nav: 'Domains',
    title: 'Domain marketplace',
    noun: 'domain',
    search: (p) =>
      `/api/v1/domains/marketplace/search${qs({ q: p.query, category: p.category, limit: p.limit, offset: p.offset })}`,
    sorts: [],
    detail: domainPath,
    install: (id) => ({
      method: 'POST',
      path: '/api/v1/domains/marketplace/install',
      body: { template_domain_id: id },
    }),
    ...nested(domainPath),
    canPublish: false,
  },
  {
    id: 'canvas',
    engineKind: 'canvas_component',
    nav: 'Canvas components',
    title: 'Canvas component marketplace',
    noun: 'component',
    search: (p) => {
      const query = qs({ query: p.query, category: p.category, sort_by: p.sort, limit: p.limit, offset: p.offset });
      return `/api/canvas-marketplace/components${query}`;
    },
    categories: '/api/canvas-marketplace/categories',
    sorts: SORTS,
    detail: componentPath,
    install: (id, config, canvasId) => ({
      method: 'POST',
      path: '/api/canvas-marketplace/components/install',
      body: { component_id: id, canvas_id: canvasId, config },
    }),
    target: {
      label: 'Canvas',
      list: '/api/canvases?limit=100',
      create: '/api/canvases',
      items: (r) => r.canvases ?? [],
      createdId: (r) => r.canvas.id,
    },
    ...nested(componentPath),
    reviews: (id) => `${componentPath(id)}/ratings`,
    canPublish: false,
  },
  {
    id: 'workflows',
    engineKind: 'workflow_template',
    nav: 'Workflow templates',
    title: 'Workflow template marketplace',
    noun: 'workflow template',
    search: (p) =>
      `/api/marketplace/templates${qs({ query: p.query, category: p.category, limit: p.limit, offset: p.offset })}`,
    sorts: [],
    detail: templatePath,
    install: (id) => ({ method: 'POST', path: `${templatePath(id)}/import` }),
    ...nested(templatePath),
    reviews: (id) => `${templatePath(id)}/reviews`,
    canPublish: false,
  },
];

export const kindById = (id: string) => KINDS.find((k) => k.id === id);
export const kindByEngine = (kind: string) => KINDS.find((k) => k.engineKind === kind);

const LIST_KEYS = ['skills', 'agents', 'domains', 'components', 'templates', 'items', 'results', 'listings'];

/** The array of listings in a response, wherever the seed put it. */
export function itemsOf(body: any): Item[] {
  const scopes = [body, body?.data];
  for (const s of scopes) {
    if (Array.isArray(s)) return s.map(normalise);
    for (const k of LIST_KEYS) if (Array.isArray(s?.[k])) return s[k].map(normalise);
  }
  return [];
}

export function totalOf(body: any): number | null {
  const t = body?.total ?? body?.data?.total ?? body?.pagination?.total ?? body?.data?.pagination?.total;
  return typeof t === 'number' ? t : null;
}

/** One listing from a detail response (`{skill}`, `{data: {...}}`, or the object itself). */
export function itemOf(body: any): Item {
  const d = body?.data ?? body;
  const inner = d?.skill ?? d?.agent ?? d?.domain ?? d?.component ?? d?.template ?? d;
  return normalise(inner);
}

const num = (...vs: unknown[]) => {
  for (const v of vs) if (typeof v === 'number') return v;
  return null;
};

export function normalise(x: any): Item {
  return {
    id: String(x?.id ?? x?.template_id ?? x?.domain_id ?? x?.component_id ?? x?.marketplace_id ?? ''),
    name: String(x?.name ?? x?.title ?? x?.domain_name ?? 'Untitled'),
    description: String(x?.description ?? ''),
    category: x?.category ?? null,
    rating: num(x?.rating, x?.average_rating, x?.avg_rating),
    rating_count: num(x?.rating_count, x?.ratings_count, x?.total_ratings),
    installs: num(x?.installs, x?.install_count, x?.downloads, x?.usage_count),
    tags: Array.isArray(x?.tags) ? x.tags.map(String) : [],
    type: x?.skill_type ?? x?.component_type ?? x?.template_type ?? x?.type ?? null,
    raw: x ?? {},
  };
}
