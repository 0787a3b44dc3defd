/**
 * A large tool output is stored once per execution. The journal step holds it while the run may
 * still resume (a resumed run answers a finished call from there); the execution's result holds it
 * when the run ends, and the journal step then refers to it. Everything else (the reasoning trace,
 * `result.details`, the `agent.executed` event and its webhook deliveries) carries a reference
 * `{"$ref": where, "bytes": n}` instead of a copy. Small outputs are copied as before.
 */
export const INLINE_OUTPUT_BYTES = 16 * 1024;

export interface OutputRef {
  $ref: string;
  bytes: number;
}

export const jsonBytes = (v: unknown): number => Buffer.byteLength(JSON.stringify(v ?? null));

/** The value itself when small; a reference to `where` otherwise. */
export function inlineOrRef(value: unknown, where: string): unknown {
  const bytes = jsonBytes(value);
  return bytes <= INLINE_OUTPUT_BYTES ? value : ({ $ref: where, bytes } satisfies OutputRef);
}

/** A result for events and webhooks: each large top-level field becomes a reference to the execution's. */
export function compactResult(result: Record<string, unknown> | null, pollUrl: string): Record<string, unknown> | null {
  if (!result) return result;
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, inlineOrRef(v, `${pollUrl}#/result/${k}`)]));
}
