/** Redis key layout, shared so gateway and workers name the same keys. */
export function sessionKeys(prefix: string, sessionId: string) {
  return {
    /** Hash: created_at, last_seen, frames, faces, last_box. */
    meta: `${prefix}:session:${sessionId}`,
    /** Sorted set of samples scored by capture time (ms). */
    trace: `${prefix}:session:${sessionId}:trace`,
    /** String: the token of the worker analysing this session's frames (one at a time, in order). */
    lock: `${prefix}:session:${sessionId}:lock`,
  };
}

/** Sorted set of live session ids scored by their expiry time (ms since epoch). */
export const sessionIndexKey = (prefix: string) => `${prefix}:sessions`;
