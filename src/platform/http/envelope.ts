import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

/** `{success, data, meta}`: the agent API's success shape. */
export function ok<T>(req: FastifyRequest, data: T) {
  return { success: true as const, data, meta: meta(req) };
}

export function meta(req: FastifyRequest) {
  return { timestamp: new Date().toISOString(), request_id: req.id };
}

export const Meta = Type.Object({ timestamp: Type.String({ format: 'date-time' }), request_id: Type.String() });

/** Response schema for `ok(data)`. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({ success: Type.Literal(true), data, meta: Meta });
}

export const ErrorBody = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
    code: Type.String({ description: 'Same as error.code, for clients of the marketplace error format' }),
    message: Type.String({ description: 'Same as error.message' }),
    meta: Meta,
  },
  { $id: 'ErrorBody' },
);
