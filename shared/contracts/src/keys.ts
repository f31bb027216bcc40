/** Redis key layout, shared so gateway and workers name the same keys. */
export function sessionKeys(prefix: string, sessionId: string) {
  return {
    /** Hash: created_at, last_seen, frames, faces, last_box, token_hash, owner, … */
    meta: `${prefix}:session:${sessionId}`,
    /** Sorted set of samples scored by capture time (ms). */
    trace: `${prefix}:session:${sessionId}:trace`,
    /** String: the token of the worker analysing this session's frames (one at a time, in order). */
    lock: `${prefix}:session:${sessionId}:lock`,
  };
}

/** Sorted set of live session ids scored by their expiry time (ms since epoch). */
export const sessionIndexKey = (prefix: string) => `${prefix}:sessions`;

/** Set of the session ids one client (an API key, or an address in open mode) created. */
export const ownerSessionsKey = (prefix: string, owner: string) => `${prefix}:owner:${owner}:sessions`;

/** API keys: a hash from the key's SHA-256 to its record, and one from its name to that hash. */
export const apiKeyKeys = (prefix: string) => ({ byHash: `${prefix}:apikeys`, byName: `${prefix}:apikeys:names` });

/** Work accepted but not yet done: per job, per session and in total (see WorkLedger). */
export const workLedgerKeys = (prefix: string) => ({
  /** Hash: job id -> "session frames bytes". */
  jobs: `${prefix}:work:jobs`,
  /** Sorted set: job id scored by the time its reservation lapses on its own. */
  deadlines: `${prefix}:work:deadlines`,
  /** Hash: bytes, jobs, and s:<session id> -> frames waiting. */
  totals: `${prefix}:work:totals`,
});

/** Rate-limit counters (rate-limiter-flexible adds the client after this prefix). */
export const rateLimitPrefix = (prefix: string, limit: string) => `${prefix}:rl:${limit}`;

/** An uploaded video while its analysis runs (see VideoStore), and the frames its segments have done. */
export const videoKeys = (prefix: string, videoId: string) => ({
  /** Hash: bytes, chunks, name. */
  meta: `${prefix}:video:${videoId}`,
  /** String: chunk n of the file. */
  chunk: (n: number) => `${prefix}:video:${videoId}:chunk:${n}`,
  /** Hash: segment index -> frames analysed. */
  progress: `${prefix}:video:${videoId}:progress`,
});
