import type { Camelize } from './case.js';
import type { paths } from './generated/openapi.js';

/** A response body of the server's OpenAPI document (sdk/src/generated/openapi.ts). */
export type ResponseOf<
  P extends keyof paths,
  M extends keyof paths[P],
  C extends string = '200',
> = paths[P][M] extends { responses: infer R } ? (C extends keyof R ? R[C] : never) : never;
/** The same, with the agent API's `{success, data, meta}` envelope removed. */
export type DataOf<P extends keyof paths, M extends keyof paths[P], C extends string = '200'> =
  ResponseOf<P, M, C> extends { data: infer D } ? D : ResponseOf<P, M, C>;

/** Marketplace results as the MarketplaceClient returns them: camelCase, typed by the server's document. */
export type SkillSummary = Camelize<DataOf<'/api/skill-marketplace/skills', 'get'>['skills'][number]>;
export type SkillDetail = Camelize<DataOf<'/api/skill-marketplace/skills/{id}', 'get'>['skill']>;
export type BrowsedSkill = Camelize<DataOf<'/api/skills/marketplace', 'get'>['skills'][number]>;
export type SkillPublished = Camelize<DataOf<'/api/skills/publish', 'post', '201'>>;
export type SkillInstalled = Camelize<DataOf<'/api/skills/install', 'post'>>;
export type SkillRated = Camelize<DataOf<'/api/skills/rate/{id}', 'post'>>;
export type Webhook = Camelize<DataOf<'/api/webhooks/{id}', 'get'>['webhook']>;
