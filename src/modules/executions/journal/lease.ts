import { Superseded } from './journal.js';

/**
 * Beats a run's lease every `ms` (an execution's or a workflow run's): when the beat finds the
 * lease gone (another attempt took the run over), the run aborts with Superseded; when it carries
 * a cancel request, with `cancelled()`. `after` runs after each beat (an announcement on the bus).
 * Returns the function that stops beating.
 */
export function keepLease(
  beat: () => Promise<{ cancel_requested: boolean } | null>,
  abort: AbortController,
  cancelled: () => Error,
  after: () => void,
  ms = 1000,
): () => void {
  const timer = setInterval(() => {
    beat().then(
      (r) => {
        if (!r) abort.abort(new Superseded('another attempt took this run over'));
        else if (r.cancel_requested) abort.abort(cancelled());
        after();
      },
      () => undefined,
    );
  }, ms);
  return () => clearInterval(timer);
}
