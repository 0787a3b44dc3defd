/**
 * `/api/v1/…` serves the same as `/api/…` (the api-overview writes `/api/v1/agents`): Fastify's
 * `rewriteUrl` maps a `/api/v1/` path no route serves onto the `/api/` route that does, so there is
 * one route table and no copies. Paths that really live under `/api/v1/` (private skills, domains)
 * are left alone.
 */
export class V1Aliases {
  private readonly patterns: RegExp[] = [];

  /** For an onRoute hook: every `/api/…` route pattern (`:id` segments match any one segment). */
  add(url: string) {
    if (!url.startsWith('/api/')) return;
    const source = url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z0-9_]+/g, '[^/]+')
      .replace(/\*/g, '.*');
    this.patterns.push(new RegExp(`^${source}/?$`));
  }

  private served(path: string) {
    return this.patterns.some((p) => p.test(path));
  }

  /** The URL to route: unchanged unless it is an unserved `/api/v1/` form of a served `/api/` path. */
  rewrite(url: string): string {
    if (!url.startsWith('/api/v1/')) return url;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (this.served(path)) return url;
    const alias = `/api/${path.slice('/api/v1/'.length)}`;
    return this.served(alias) ? alias + (q < 0 ? '' : url.slice(q)) : url;
  }
}
