import { ROUTES, type Route } from '@atom-platform/sdk';

/**
 * Routes served by modules built on other branches: the agent template, canvas and domain
 * marketplaces and usage (issue 6, merged on main after this branch started) and federation
 * (issue 8). Their SDK methods are tested in marketplace-kinds.test.ts and federation-server.test.ts,
 * which fail until those branches are merged here.
 */
export const KINDS = [
  '/api/agent-marketplace/',
  '/api/canvas-marketplace/',
  '/api/v1/domains/marketplace/',
  '/api/usage',
];
export const FEDERATION = ['/api/federation/'];

const entries = Object.entries(ROUTES) as [string, Route][];
const under =
  (prefixes: string[]) =>
  ([, r]: [string, Route]) =>
    prefixes.some((p) => r.path.startsWith(p));
export const routesHere = entries.filter((e) => !under([...KINDS, ...FEDERATION])(e));
export const routesOfKinds = entries.filter(under(KINDS));
export const routesOfFederation = entries.filter(under(FEDERATION));

/** SDK routes the OpenAPI document does not have, as "name: METHOD path". */
export function missingFrom(
  doc: { paths?: Record<string, Record<string, unknown>> },
  routes: [string, Route][],
): string[] {
  return routes
    .filter(([, r]) => !doc.paths?.[r.path]?.[r.method.toLowerCase()])
    .map(([name, r]) => `${name}: ${r.method} ${r.path}`);
}
