/**
 * Work accepted but not yet done, counted in Redis so every gateway sees the same totals: frames
 * waiting per session, and image bytes and jobs waiting overall. The gateway reserves before it
 * queues a job; the worker releases when the job is done (completed, or failed for good); the
 * gateway releases a job it withdrew. A reservation nobody released (its releaser died) lapses at
 * its deadline, so the totals cannot drift upwards for ever.
 */
import { defineScripts, type ScriptCall } from './scripts.ts';
import type { Redis } from 'ioredis';
import { workLedgerKeys } from '@pulsecam/contracts';

export interface WorkLimits {
  /** Frames one session may have waiting (a few seconds of video). */
  maxSessionFrames: number;
  /** Image bytes (as queued, base64) waiting in all. */
  maxQueuedBytes: number;
}

export interface Reservation {
  jobId: string;
  sessionId: string;
  frames: number;
  bytes: number;
  /** When the reservation lapses by itself (ms since epoch). */
  deadline: number;
}

export type ReserveVerdict = { ok: true } | { ok: false; limit: 'session_frames' | 'queued_bytes'; current: number };

// Shared by both scripts: releases one job's reservation (idempotent).
const RELEASE_FN = `
local function release(jobs, deadlines, totals, id)
  local entry = redis.call('HGET', jobs, id)
  if not entry then return 0 end
  local session, frames, bytes = string.match(entry, '^(%S+) (%d+) (%d+)$')
  local field = 's:' .. session
  -- 0 - n, not -n: Lua turns -0 into the string "-0", which HINCRBY refuses.
  if tonumber(redis.call('HINCRBY', totals, field, 0 - tonumber(frames))) <= 0 then redis.call('HDEL', totals, field) end
  if tonumber(redis.call('HINCRBY', totals, 'bytes', 0 - tonumber(bytes))) < 0 then redis.call('HSET', totals, 'bytes', 0) end
  if tonumber(redis.call('HINCRBY', totals, 'jobs', -1)) < 0 then redis.call('HSET', totals, 'jobs', 0) end
  redis.call('HDEL', jobs, id)
  redis.call('ZREM', deadlines, id)
  return 1
end
`;

// KEYS: jobs, deadlines, totals. ARGV: now, job id, session id, frames, bytes, deadline,
// max session frames, max bytes. A request is never refused while nothing of its kind waits
// (one batch larger than a cap still goes through alone). Returns {0} or {1|2, current}.
const RESERVE_SCRIPT = `${RELEASE_FN}
local now = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
  release(KEYS[1], KEYS[2], KEYS[3], id)
end
local frames = tonumber(ARGV[4])
local bytes = tonumber(ARGV[5])
local pending = tonumber(redis.call('HGET', KEYS[3], 's:' .. ARGV[3]) or '0')
if pending > 0 and pending + frames > tonumber(ARGV[7]) then return {1, pending} end
local queued = tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0')
if queued > 0 and queued + bytes > tonumber(ARGV[8]) then return {2, queued} end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. ' ' .. frames .. ' ' .. bytes)
redis.call('ZADD', KEYS[2], tonumber(ARGV[6]), ARGV[2])
redis.call('HINCRBY', KEYS[3], 's:' .. ARGV[3], frames)
redis.call('HINCRBY', KEYS[3], 'bytes', bytes)
redis.call('HINCRBY', KEYS[3], 'jobs', 1)
return {0}
`;

const RELEASE_SCRIPT = `${RELEASE_FN}
return release(KEYS[1], KEYS[2], KEYS[3], ARGV[1])
`;

export class WorkLedger {
  private readonly scripts: Record<'workReserve' | 'workRelease', ScriptCall>;
  private readonly keys: ReturnType<typeof workLedgerKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.keys = workLedgerKeys(prefix);
    this.scripts = defineScripts(redis, { workReserve: { numberOfKeys: 3, lua: RESERVE_SCRIPT }, workRelease: { numberOfKeys: 3, lua: RELEASE_SCRIPT } });
  }

  async reserve(r: Reservation, limits: WorkLimits): Promise<ReserveVerdict> {
    const { jobs, deadlines, totals } = this.keys;
    const out = (await this.scripts.workReserve(
      [jobs, deadlines, totals],
      [this.clock(), r.jobId, r.sessionId, r.frames, r.bytes, r.deadline, limits.maxSessionFrames, limits.maxQueuedBytes],
    )) as number[];
    if (out[0] === 0) return { ok: true };
    return { ok: false, limit: out[0] === 1 ? 'session_frames' : 'queued_bytes', current: Number(out[1]) };
  }

  /** Releases a job's reservation; false when it held none (already released, or never reserved). */
  async release(jobId: string): Promise<boolean> {
    const { jobs, deadlines, totals } = this.keys;
    return (await this.scripts.workRelease([jobs, deadlines, totals], [jobId])) === 1;
  }

  /** Frames waiting for one session, and bytes and jobs waiting in all. */
  async totals(sessionId?: string): Promise<{ sessionFrames: number; bytes: number; jobs: number }> {
    const [frames, bytes, jobs] = await this.redis.hmget(this.keys.totals, `s:${sessionId ?? ''}`, 'bytes', 'jobs');
    return { sessionFrames: Number(frames ?? 0), bytes: Number(bytes ?? 0), jobs: Number(jobs ?? 0) };
  }
}
