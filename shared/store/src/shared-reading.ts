/**
 * A reading that callers asking at the same time share: while one is on its way, every caller
 * gets the same promise, and the next caller after it answered starts a new one. Under load one
 * Redis call then answers many requests (the gateway reads the queue's depth and the sessions due
 * for every samples post).
 */
export function sharedReading<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= read().finally(() => {
      pending = null;
    }));
}
