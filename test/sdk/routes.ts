import { ROUTES, type Route } from '@atom-platform/sdk';

/**
 * Route prefixes served by modules built on other branches (agent templates, canvas and domain
 * marketplaces, federation). Their SDK methods are checked in marketplace-kinds.test.ts, which
 * fails until those branches are merged.
 */
export const ELSEWHERE = ['/api/agent-marketplace/', '/api/canvas-marketplace/', '/api/v1/domains/marketplace/', '/api/federation/'];

const entries = Object.entries(ROUTES) as [string, Route][];
export const routesHere = entries.filter(([, r]) => !ELSEWHERE.some((p) => r.path.startsWith(p)));
export const routesElsewhere = entries.filter(([, r]) => ELSEWHERE.some((p) => r.path.startsWith(p)));

/** SDK routes the OpenAPI document does not have, as "name: METHOD path". */
export function missingFrom(doc: { paths?: Record<string, Record<string, unknown>> }, routes: [string, Route][]): string[] {
  return routes.filter(([, r]) => !doc.paths?.[r.path]?.[r.method.toLowerCase()]).map(([name, r]) => `${name}: ${r.method} ${r.path}`);
}
