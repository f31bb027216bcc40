/**
 * Redis key layout, shared so gateway and workers name the same keys. Every key, and every BullMQ
 * queue, starts with the deployment's KEY_PREFIX as a hash tag, `{pulsecam}:…`: Redis Cluster
 * then keeps them all in one hash slot, which its Lua scripts (ours and BullMQ's) and MULTI need
 * (they may only touch keys of one slot). A single Redis ignores the braces.
 */

/** The hash-tagged form of KEY_PREFIX that starts every key: `{pulsecam}`. Also BullMQ's `prefix`. */
export function redisPrefix(prefix: string): string {
  return `{${prefix}}`;
}
export function sessionKeys(prefix: string, sessionId: string) {
  return {
    /** Hash: created_at, last_seen, frames, faces, last_box, token_hash, owner, … */
    meta: `${redisPrefix(prefix)}:session:${sessionId}`,
    /** Sorted set of samples scored by capture time (ms). */
    trace: `${redisPrefix(prefix)}:session:${sessionId}:trace`,
    /** String: the token of the worker analysing this session's frames (one at a time, in order). */
    lock: `${redisPrefix(prefix)}:session:${sessionId}:lock`,
    /** String (bytes): the heart-rate tracker's analysed windows, reused by the next estimate (tracker-codec.ts). */
    tracker: `${redisPrefix(prefix)}:session:${sessionId}:tracker`,
  };
}

/**
 * Sorted set: sessions whose estimate is due, scored by when that estimate was made (oldest first;
 * a post waiting for one scores below every such mark): the gateway marks them, the workers take
 * them (DueEstimates).
 */
export const dueEstimatesKey = (prefix: string) => `${redisPrefix(prefix)}:estimates:due`;

/** Pub/sub channel: the estimates made for posts waiting on them (EstimateNotice), one message each. */
export const estimatesMadeChannel = (prefix: string) => `${redisPrefix(prefix)}:estimates:made`;

/** Sorted set of live session ids scored by their expiry time (ms since epoch). */
export const sessionIndexKey = (prefix: string) => `${redisPrefix(prefix)}:sessions`;

/** Set of the session ids one client (an API key, or an address in open mode) created. */
export const ownerSessionsKey = (prefix: string, owner: string) => `${redisPrefix(prefix)}:owner:${owner}:sessions`;

/** API keys: a hash from the key's SHA-256 to its record, and one from its name to that hash. */
export const apiKeyKeys = (prefix: string) => ({ byHash: `${redisPrefix(prefix)}:apikeys`, byName: `${redisPrefix(prefix)}:apikeys:names` });

/** Work accepted but not yet done: per job, per session and in total (see WorkLedger). */
export const workLedgerKeys = (prefix: string) => ({
  /** Hash: job id -> "session frames bytes". */
  jobs: `${redisPrefix(prefix)}:work:jobs`,
  /** Sorted set: job id scored by the time its reservation lapses on its own. */
  deadlines: `${redisPrefix(prefix)}:work:deadlines`,
  /** Hash: bytes, jobs, and s:<session id> -> frames waiting. */
  totals: `${redisPrefix(prefix)}:work:totals`,
});

/** Rate-limit counters (rate-limiter-flexible adds the client after this prefix). */
export const rateLimitPrefix = (prefix: string, limit: string) => `${redisPrefix(prefix)}:rl:${limit}`;

/** An uploaded video while its analysis runs (see VideoStore), and the frames its segments have done. */
export const videoKeys = (prefix: string, videoId: string) => ({
  /** Hash: bytes, chunks, name. */
  meta: `${redisPrefix(prefix)}:video:${videoId}`,
  /** String: chunk n of the file. */
  chunk: (n: number) => `${redisPrefix(prefix)}:video:${videoId}:chunk:${n}`,
  /** Hash: segment index -> frames analysed. */
  progress: `${redisPrefix(prefix)}:video:${videoId}:progress`,
});

/** Live workers: a sorted set of ids by last heartbeat, and a hash of each one's description. */
export const workerKeys = (prefix: string) => ({ index: `${redisPrefix(prefix)}:workers`, info: `${redisPrefix(prefix)}:workers:info` });
