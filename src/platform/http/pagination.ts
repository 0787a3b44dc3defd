import { type Static, type TSchema, Type } from '@sinclair/typebox';

export const MAX_LIMIT = 100;

/** `?page=&limit=` as the agent API documents it. A limit over 100 is INVALID_LIMIT. */
export const PageQuery = {
  page: Type.Integer({ minimum: 1, default: 1, description: 'Page number, from 1' }),
  limit: Type.Integer({
    minimum: 1,
    maximum: MAX_LIMIT,
    default: 20,
    description: `Items per page (max ${MAX_LIMIT})`,
  }),
};

/** `?limit=&offset=` as the marketplace documents it. */
export const OffsetQuery = {
  limit: Type.Integer({
    minimum: 1,
    maximum: MAX_LIMIT,
    default: 20,
    description: `Items per page (max ${MAX_LIMIT})`,
  }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export const Pagination = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});
export type Pagination = Static<typeof Pagination>;

export function pagination(page: number, limit: number, total: number): Pagination {
  return { page, limit, total, pages: Math.ceil(total / limit) };
}

export const OffsetPage = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
    has_more: Type.Boolean(),
  });

export function offsetPage<T>(items: T[], total: number, limit: number, offset: number) {
  return { items, total, limit, offset, has_more: offset + items.length < total };
}
