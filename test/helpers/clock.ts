/**
 * Rate-limit windows are fixed minutes. A test that counts calls within one window waits, when the
 * current minute has less than `needMs` left, until the next one starts: otherwise a burst can cross
 * the boundary and the count starts again halfway through.
 */
export async function roomInThisMinute(needMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}
