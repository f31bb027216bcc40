/**
 * Sessions in Redis. Each session is a hash (counters, timestamps, last face box, last estimate)
 * and a sorted set of trace samples scored by capture time; both expire together after
 * SESSION_TTL of inactivity. An index sorted set (score = expiry time) counts live sessions for
 * the MAX_SESSIONS limit. Every multi-key change is one Lua script, so concurrent workers and
 * gateways cannot interleave half-done updates.
 */
import { defineScripts } from './scripts.ts';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { dueEstimatesKey, ownerSessionsKey, sessionIndexKey, sessionKeys } from '@pulsecam/contracts';
import type { TrackerHistory } from '@pulsecam/dsp';
import { decodeEntry, encodeNoFace, encodeSample, type Timeline, type TraceSample } from './sample.ts';
import { decodeTracker, encodeTracker } from './tracker-codec.ts';

export interface SessionLimits {
  ttlSeconds: number;
  maxSessions: number;
  bufferSeconds: number;
  bufferMaxSamples: number;
}

export interface SessionMeta {
  id: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  frames: number;
  faces: number;
  /** Capture time (ms) of the newest frame, with or without a face. */
  lastFrameTs: number | null;
  /**
   * When (ms, server clock) the request that carried the newest frame arrived, when the writer
   * knew it (device samples); null otherwise. The clock rule measures "wall time since" from here.
   */
  lastFrameArrivedAt: number | null;
  lastBox: { x: number; y: number; width: number; height: number } | null;
  /**
   * The newest estimate as the worker saved it (JSON text; parse with savedEstimate()). Kept as
   * text: the samples route answers most posts with it spliced into the answer, and parsing and
   * re-serialising ~2 kB per post was a measurable share of the gateway's CPU under load.
   */
  lastEstimateJson: string | null;
  /** When (ms, server clock) the last estimate was computed. */
  estimatedAt: number | null;
  /** The capture time (ms) of the newest frame the last estimate covered. */
  estimatedThroughTs: number | null;
  /** The face tracking state of the session's frame stream (opaque JSON, owned by the worker). */
  track: unknown;
  /** Whose clock the session's frame times are on: set by its first frame. */
  clock: 'capture' | 'receive' | null;
  /** Newest capture time the gateway has accepted (it may not be analysed yet). */
  admittedTs: number | null;
  /** When (ms, server clock) the request that carried admittedTs arrived. */
  admittedArrivedAt: number | null;
  /** The newest capture time refused for being too far ahead of the timeline, and when its request arrived. */
  aheadTs: number | null;
  aheadArrivedAt: number | null;
  /** SHA-256 of the session's token (the token itself is never stored). */
  tokenHash: string | null;
  /** The client that created it: `key:<name>` or `ip:<hash>` (see the gateway's client identity). */
  owner: string | null;
}

/** Who creates a session, and how many live sessions they may hold. */
export interface SessionOwner {
  id: string;
  maxSessions: number;
}

// KEYS: index, meta, owner set. ARGV: now, ttl ms, max sessions, id, token hash, owner,
// max sessions of the owner, session meta key prefix, owner set ttl ms.
// Returns 1 (created), 0 (all sessions in use), -1 (the owner's quota is used up).
const CREATE_SCRIPT = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[8] .. sid) == 0 then redis.call('SREM', KEYS[3], sid) end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[7]) then return -1 end
redis.call('HSET', KEYS[2], 'created_at', now, 'last_seen', now, 'frames', 0, 'faces', 0, 'token_hash', ARGV[5], 'owner', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[9])
return 1
`;

// Shared by the append and touch scripts (KEYS: index, meta, trace; ARGV[3]: the session id;
// locals now, ttl): the session was active now, its keys live another TTL.
const KEEP_ALIVE = `
redis.call('HSET', KEYS[2], 'last_seen', now)
redis.call('PEXPIRE', KEYS[2], ttl)
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ttl) end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])`;

// KEYS: index, meta, trace.
// ARGV: now, ttl ms, id, arrival of the request that carried the frames (server ms; '': not
// known, e.g. a worker storing analysed frames), newest frame ts, buffer ms, max samples, box json, track json,
// samples with a face, then (score, member) pairs (samples first, then no-face markers). Empty
// box/track strings leave the stored ones as they are. A frame whose capture time the trace
// already holds is not stored again (a retried job, a client's retry): exactly once. Returns -1
// when the session does not exist, else the number of frames newly stored.
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local ts = tonumber(ARGV[5])
local last = tonumber(redis.call('HGET', KEYS[2], 'last_frame_ts') or '-1')
if ts > last then
  redis.call('HSET', KEYS[2], 'last_frame_ts', ts)
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'last_frame_arrived', ARGV[4]) else redis.call('HDEL', KEYS[2], 'last_frame_arrived') end
end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'track', ARGV[9]) end
local faceCount = tonumber(ARGV[10])
local pairs = (#ARGV - 10) / 2
local added = 0
local addedFaces = 0
for i = 0, pairs - 1 do
  local score = ARGV[11 + 2 * i]
  if redis.call('ZCOUNT', KEYS[3], score, score) == 0 then
    redis.call('ZADD', KEYS[3], score, ARGV[12 + 2 * i])
    added = added + 1
    if i < faceCount then addedFaces = addedFaces + 1 end
  end
end
redis.call('HINCRBY', KEYS[2], 'frames', added)
if addedFaces > 0 then redis.call('HINCRBY', KEYS[2], 'faces', addedFaces) end
if added > 0 then
  local newest = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  local cutoff = tonumber(newest[2]) - tonumber(ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. cutoff)
  local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[7])
  if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1) end
end
if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'last_box', ARGV[8]) end
${KEEP_ALIVE}
return added
`;

// KEYS: index, meta, trace. ARGV: now, ttl ms, id.
const TOUCH_SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
${KEEP_ALIVE}
return 1
`;

// KEYS: lock. ARGV: token, ttl ms. Extends the lock only for its holder.
const RENEW_LOCK_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
// KEYS: lock. ARGV: token. Frees the lock only for its holder.
const UNLOCK_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
// KEYS: meta. ARGV: clock. Sets the session's clock once; returns the one it has (false: no session).
const CLAIM_CLOCK_SCRIPT = "if redis.call('EXISTS', KEYS[1]) == 0 then return false end redis.call('HSETNX', KEYS[1], 'clock', ARGV[1]) return redis.call('HGET', KEYS[1], 'clock')";
// KEYS: meta. ARGV: capture time, arrival of its request (server ms). Raises admitted_ts (never
// lowers it) on a live session, with the arrival that goes with it.
const NOTE_ADMITTED_SCRIPT =
  "if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('HGET', KEYS[1], 'admitted_ts') or '-1') < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'admitted_ts', ARGV[1], 'admitted_arrived', ARGV[2]) end return 1";
// KEYS: meta. ARGV: capture time, arrival of its request. On a live session only.
const NOTE_AHEAD_SCRIPT = "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'ahead_ts', ARGV[1], 'ahead_arrived', ARGV[2]) end return 1";
// KEYS: meta. The session's fields (flat name, value list) and its remaining TTL in ms; nil when
// there is no session.
const READ_SCRIPT = "local h = redis.call('HGETALL', KEYS[1]) if #h == 0 then return nil end return {h, redis.call('PTTL', KEYS[1])}";
// KEYS: meta, tracker, sessions due for a background estimate. ARGV: estimate json, now, newest
// capture time covered, tracker bytes ('' leaves the stored ones), session id, a channel to
// publish the estimate on ('': none) and the message's head (estimate-notices.ts). Only on a live
// session, so a late job cannot resurrect a deleted one; the tracker lives as long as the session
// does at the time. A session estimated is no longer due for a background refresh (a refresher
// would only find it current); a mark a post waits for stays for the worker that takes it.
const SAVE_ESTIMATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'estimate', ARGV[1], 'estimate_at', ARGV[2], 'estimate_through', ARGV[3])
-- A background mark is answered by this estimate; a mark a post waits for is left to the worker that takes it.
local due = redis.call('ZSCORE', KEYS[3], ARGV[5])
if due and tonumber(due) >= 0 then redis.call('ZREM', KEYS[3], ARGV[5]) end
if ARGV[4] ~= '' then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('SET', KEYS[2], ARGV[4], 'PX', ttl) end
end
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[6], ARGV[7] .. ARGV[1]) end
return 1
`;

const SESSION_SCRIPTS = {
  sessionCreate: { numberOfKeys: 3, lua: CREATE_SCRIPT },
  sessionAppend: { numberOfKeys: 3, lua: APPEND_SCRIPT },
  sessionTouch: { numberOfKeys: 3, lua: TOUCH_SCRIPT },
  sessionRenewLock: { numberOfKeys: 1, lua: RENEW_LOCK_SCRIPT },
  sessionUnlock: { numberOfKeys: 1, lua: UNLOCK_SCRIPT },
  sessionClaimClock: { numberOfKeys: 1, lua: CLAIM_CLOCK_SCRIPT },
  sessionNoteAdmitted: { numberOfKeys: 1, lua: NOTE_ADMITTED_SCRIPT },
  sessionNoteAhead: { numberOfKeys: 1, lua: NOTE_AHEAD_SCRIPT },
  sessionSaveEstimate: { numberOfKeys: 3, lua: SAVE_ESTIMATE_SCRIPT },
  sessionRead: { numberOfKeys: 1, lua: READ_SCRIPT },
};

export class SessionLimitError extends Error {
  override readonly name = 'SessionLimitError';
  constructor(
    message: string,
    /** Whose limit: the whole service's (MAX_SESSIONS) or the creating client's quota. */
    readonly scope: 'service' | 'client',
  ) {
    super(message);
  }
}

/** An owner's set of sessions outlives any one session by this much (pruned when read). */
const OWNER_SET_TTL_FLOOR_MS = 24 * 3600_000;

export class SessionStore {
  private readonly scripts: ReturnType<typeof defineScripts<keyof typeof SESSION_SCRIPTS>>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limits: SessionLimits,
    private readonly clock: () => number = Date.now,
  ) {
    this.scripts = defineScripts(redis, SESSION_SCRIPTS);
  }

  private get ttlMs(): number {
    return this.limits.ttlSeconds * 1000;
  }

  /** Creates a session owned by `owner`, reachable with the token whose hash is `tokenHash`. */
  async create(owner: SessionOwner, tokenHash: string): Promise<string> {
    const id = randomUUID();
    const { meta } = sessionKeys(this.prefix, id);
    const ok = await this.scripts.sessionCreate(
      [sessionIndexKey(this.prefix), meta, ownerSessionsKey(this.prefix, owner.id)],
      [
      this.clock(),
      this.ttlMs,
      this.limits.maxSessions,
      id,
      tokenHash,
      owner.id,
      owner.maxSessions,
      sessionKeys(this.prefix, '').meta,
      Math.max(OWNER_SET_TTL_FLOOR_MS, this.ttlMs),
      ],
    );
    if (ok === 0) throw new SessionLimitError(`all ${this.limits.maxSessions} sessions of the service are in use`, 'service');
    if (ok !== 1) throw new SessionLimitError(`this client already holds its ${owner.maxSessions} live sessions`, 'client');
    return id;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(sessionKeys(this.prefix, id).meta)) === 1;
  }

  /** Refreshes the TTL; false when the session does not exist (or expired). */
  async touch(id: string): Promise<boolean> {
    const k = sessionKeys(this.prefix, id);
    const ok = await this.scripts.sessionTouch([sessionIndexKey(this.prefix), k.meta, k.trace], [this.clock(), this.ttlMs, id]);
    return ok === 1;
  }

  async delete(id: string, owner?: string | null): Promise<boolean> {
    const k = sessionKeys(this.prefix, id);
    const tx = this.redis.multi().del(k.meta, k.trace, k.lock, k.tracker).zrem(sessionIndexKey(this.prefix), id).zrem(dueEstimatesKey(this.prefix), id);
    if (owner) tx.srem(ownerSessionsKey(this.prefix, owner), id);
    const results = (await tx.exec()) as [Error | null, number][];
    return results[0][1] > 0;
  }

  /**
   * Records one frame: counts it, and when it had a face stores its sample and trims the trace
   * to the buffer limits. False when the session does not exist.
   */
  async recordFrame(id: string, frameTs: number, sample: TraceSample | null, box: SessionMeta['lastBox']): Promise<boolean> {
    return (await this.append(id, frameTs, sample ? [sample] : [], sample ? [] : [frameTs], box, null, null)) !== null;
  }

  /**
   * Records a batch of analysed frames in one step: stores the samples of those with a face and
   * marks those without, keeps the newest face box and the stream's tracking state. A frame whose
   * capture time is already stored is not stored or counted again. Returns how many frames were
   * newly stored, or null when the session does not exist.
   */
  async recordFrames(
    id: string,
    batch: { newestTs: number; samples: TraceSample[]; noFaceTimes: number[]; box: SessionMeta['lastBox']; track: unknown },
  ): Promise<number | null> {
    return this.append(id, batch.newestTs, batch.samples, batch.noFaceTimes, batch.box, batch.track, null);
  }

  /**
   * Takes the session's stream lock (one worker analyses a session's frames at a time, so its
   * tracking state advances in order). The lock expires by itself if its holder dies.
   */
  async lockStream(id: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(sessionKeys(this.prefix, id).lock, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Extends the lock if this token still holds it; false when it lapsed (another may hold it now). */
  async renewStreamLock(id: string, token: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.scripts.sessionRenewLock([sessionKeys(this.prefix, id).lock], [token, ttlMs]);
    return renewed === 1;
  }

  async unlockStream(id: string, token: string): Promise<void> {
    await this.scripts.sessionUnlock([sessionKeys(this.prefix, id).lock], [token]);
  }

  /**
   * Stores client-measured samples (one per frame with a face) and the capture times of frames
   * without one, in one step, each capture time once. `arrivedAt`: when (server ms) the request
   * that carried them arrived, kept with the newest capture time for the session's clock rule.
   * Returns how many samples were newly stored, or null when the session does not exist.
   */
  async recordSamples(id: string, samples: TraceSample[], noFaceTimes: number[] = [], arrivedAt: number | null = null): Promise<number | null> {
    if (samples.length === 0 && noFaceTimes.length === 0) return (await this.touch(id)) ? 0 : null;
    const newest = Math.max(...samples.map((s) => s.t), ...noFaceTimes);
    return this.append(id, newest, samples, noFaceTimes, null, null, arrivedAt);
  }

  private async append(
    id: string,
    newestTs: number,
    samples: TraceSample[],
    noFaceTimes: number[],
    box: SessionMeta['lastBox'],
    track: unknown,
    arrivedAt: number | null,
  ): Promise<number | null> {
    const k = sessionKeys(this.prefix, id);
    const pairs: (string | number | Buffer)[] = [];
    for (const s of samples) pairs.push(s.t, encodeSample(s));
    for (const t of noFaceTimes) pairs.push(t, encodeNoFace(t));
    const ok = await this.scripts.sessionAppend(
      [sessionIndexKey(this.prefix), k.meta, k.trace],
      [
      this.clock(),
      this.ttlMs,
      id,
      arrivedAt ?? '',
      newestTs,
      this.limits.bufferSeconds * 1000,
      this.limits.bufferMaxSamples,
      box ? JSON.stringify(box) : '',
      track ? JSON.stringify(track) : '',
      samples.length,
      ...pairs,
      ],
    );
    return Number(ok) < 0 ? null : Number(ok);
  }

  /** The session's samples (frames with a face) in time order. */
  async trace(id: string): Promise<TraceSample[]> {
    return (await this.timeline(id)).samples;
  }

  /** Samples in time order, the capture times of the frames that had no face, and the tracker's kept windows (one round trip). */
  async timeline(id: string): Promise<Timeline> {
    const k = sessionKeys(this.prefix, id);
    const [[, members], [, tracker]] = (await this.redis.multi().zrangeBuffer(k.trace, '0', '-1').getBuffer(k.tracker).exec()) as [[Error | null, Buffer[]], [Error | null, Buffer | null]];
    return timelineOf(members, tracker);
  }

  /**
   * timeline() of a session that exists, with its newest frame time and when its estimate was
   * made, in one round trip (what an estimate reads); null when the session does not exist.
   */
  async liveTimeline(id: string): Promise<(Timeline & { lastFrameTs: number | null; estimatedAt: number | null }) | null> {
    const k = sessionKeys(this.prefix, id);
    const rows = (await this.redis.multi().exists(k.meta).hmget(k.meta, 'last_frame_ts', 'estimate_at').zrangeBuffer(k.trace, '0', '-1').getBuffer(k.tracker).exec()) as [
      [Error | null, number],
      [Error | null, (string | null)[]],
      [Error | null, Buffer[]],
      [Error | null, Buffer | null],
    ];
    const failed = rows.find(([err]) => err);
    if (failed) throw failed[0];
    const [[, exists], [, [lastFrameTs, estimatedAt]], [, members], [, tracker]] = rows;
    if (!exists) return null;
    return { ...timelineOf(members, tracker), lastFrameTs: lastFrameTs === null ? null : Number(lastFrameTs), estimatedAt: estimatedAt === null ? null : Number(estimatedAt) };
  }

  async meta(id: string): Promise<SessionMeta | null> {
    // One script call: this runs for every request of a session (a MULTI costs the client more).
    const read = (await this.scripts.sessionRead([sessionKeys(this.prefix, id).meta], [])) as [string[], number] | null;
    if (!read) return null;
    const [flat, ttl] = read;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]] = flat[i + 1];
    if (!h.created_at) return null;
    return parseMeta(id, h, this.clock() + Math.max(0, ttl));
  }

  /** Sets the session's clock if it has none yet; returns the clock it has (null: no session). */
  async claimClock(id: string, clock: 'capture' | 'receive'): Promise<'capture' | 'receive' | null> {
    const { meta } = sessionKeys(this.prefix, id);
    const result = (await this.scripts.sessionClaimClock([meta], [clock])) as string | null;
    return result === 'capture' || result === 'receive' ? result : null;
  }

  /** Notes frames refused for being too far ahead of the session's timeline (the newest, and when its request arrived). */
  async noteAhead(id: string, ts: number, arrivedAt: number): Promise<void> {
    await this.scripts.sessionNoteAhead([sessionKeys(this.prefix, id).meta], [ts, arrivedAt]);
  }

  /**
   * Notes the newest capture time accepted for analysis (queued work counts for the timeline too),
   * and when (server ms) the request that carried it arrived.
   */
  async noteAdmitted(id: string, newestTs: number, arrivedAt: number): Promise<void> {
    await this.scripts.sessionNoteAdmitted([sessionKeys(this.prefix, id).meta], [newestTs, arrivedAt]);
  }

  /**
   * Keeps the newest estimate, when it was made and the newest capture time it covered (-1: none),
   * and the tracker windows it analysed (undefined: the kept ones stay); the session is no longer
   * due for a background estimate (a mark a post waits for stays for the worker that takes it).
   * Returns the estimate's JSON as saved, or null when the session is gone. With `notice`
   * (estimatedNotice), a saved estimate is also published, head then JSON, in the same step.
   */
  async saveEstimate(id: string, estimate: unknown, throughTs: number | null, tracker?: TrackerHistory | null, notice?: { channel: string; head: string }): Promise<string | null> {
    const k = sessionKeys(this.prefix, id);
    const json = JSON.stringify(estimate);
    const args = [json, this.clock(), throughTs ?? -1, tracker ? encodeTracker(tracker) : '', id, notice?.channel ?? '', notice?.head ?? ''];
    const saved = await this.scripts.sessionSaveEstimate([k.meta, k.tracker, dueEstimatesKey(this.prefix)], args);
    return Number(saved) === 1 ? json : null;
  }

  /** Live sessions, oldest first, with their metadata (all of them, or one owner's). Expired entries are pruned. */
  async list(owner?: string): Promise<SessionMeta[]> {
    const now = this.clock();
    let ids: string[];
    if (owner === undefined) {
      const index = sessionIndexKey(this.prefix);
      await this.redis.zremrangebyscore(index, '-inf', String(now));
      ids = await this.redis.zrange(index, '0', '-1');
    } else {
      ids = await this.redis.smembers(ownerSessionsKey(this.prefix, owner));
    }
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      const key = sessionKeys(this.prefix, id).meta;
      pipeline.hgetall(key).pttl(key);
    }
    const rows = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
    const out: SessionMeta[] = [];
    ids.forEach((id, i) => {
      const [err, h] = rows[2 * i] as [Error | null, Record<string, string>];
      const ttl = Number(rows[2 * i + 1][1]);
      if (!err && h.created_at) out.push(parseMeta(id, h, now + Math.max(0, ttl)));
    });
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async count(): Promise<number> {
    const index = sessionIndexKey(this.prefix);
    await this.redis.zremrangebyscore(index, '-inf', String(this.clock()));
    return this.redis.zcard(index);
  }
}

function timelineOf(members: Buffer[], tracker: Buffer | null): Timeline {
  const timeline: Timeline = { samples: [], noFaceTimes: [], tracker: decodeTracker(tracker) };
  for (const m of members) {
    const entry = decodeEntry(m);
    if ('skin' in entry) timeline.samples.push(entry);
    else timeline.noFaceTimes.push(entry.t);
  }
  return timeline;
}

/** The session's newest saved estimate, parsed (null before the first). */
export function savedEstimate(meta: Pick<SessionMeta, 'lastEstimateJson'>): unknown {
  return meta.lastEstimateJson ? (JSON.parse(meta.lastEstimateJson) as unknown) : null;
}

function parseMeta(id: string, h: Record<string, string>, expiresAt: number): SessionMeta {
  return {
    id,
    createdAt: Number(h.created_at),
    lastSeen: Number(h.last_seen),
    expiresAt,
    frames: Number(h.frames ?? 0),
    faces: Number(h.faces ?? 0),
    lastFrameTs: h.last_frame_ts !== undefined ? Number(h.last_frame_ts) : null,
    lastFrameArrivedAt: h.last_frame_arrived !== undefined ? Number(h.last_frame_arrived) : null,
    lastBox: h.last_box ? (JSON.parse(h.last_box) as SessionMeta['lastBox']) : null,
    lastEstimateJson: h.estimate || null,
    estimatedAt: h.estimate_at !== undefined ? Number(h.estimate_at) : null,
    estimatedThroughTs: h.estimate_through !== undefined && Number(h.estimate_through) >= 0 ? Number(h.estimate_through) : null,
    track: h.track ? (JSON.parse(h.track) as unknown) : null,
    clock: h.clock === 'capture' || h.clock === 'receive' ? h.clock : null,
    admittedTs: h.admitted_ts !== undefined ? Number(h.admitted_ts) : null,
    admittedArrivedAt: h.admitted_arrived !== undefined ? Number(h.admitted_arrived) : null,
    aheadTs: h.ahead_ts !== undefined ? Number(h.ahead_ts) : null,
    aheadArrivedAt: h.ahead_arrived !== undefined ? Number(h.ahead_arrived) : null,
    tokenHash: h.token_hash ?? null,
    owner: h.owner ?? null,
  };
}
