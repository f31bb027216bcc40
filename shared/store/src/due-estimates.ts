/**
 * Sessions whose estimate is due, one sorted set that the workers' estimators take from, lowest
 * score first (member the session id):
 * - A post waiting for a fresh estimate marks its session below every other mark (`markWaited`,
 *   scored by when it asked, minus WAITED_OFFSET_MS): the next free estimator takes it, and the
 *   estimate comes back on a channel (estimate-notices.ts). No queued job's life cycle: one Redis
 *   command each way.
 * - While the workers are behind, the gateway answers a device's post with the session's newest
 *   estimate and marks the session for a background refresh once that estimate is half its
 *   allowed age (`mark`, scored by when the estimate was made). So under load every session is
 *   renewed in turn (round robin by age, whatever order the posts arrive in), and a session is
 *   marked at most once however often it posts.
 */
import type { Redis } from 'ioredis';
import { dueEstimatesKey } from '@pulsecam/contracts';
import { defineScripts } from './scripts.ts';
import { sharedReading } from './shared-reading.ts';

// KEYS: the due set. ARGV: a waited mark's score, session id. Marks the session no later than that
// score (a background mark moves up, an earlier waited mark stays) and returns the mark's score.
const MARK_WAITED_SCRIPT = "redis.call('ZADD', KEYS[1], 'LT', ARGV[1], ARGV[2]) return redis.call('ZSCORE', KEYS[1], ARGV[2])";

/**
 * Subtracted from the time a post asked to make its mark's score: ~278 years of milliseconds, so
 * every waited mark (negative) sorts before every background mark (an estimate's time, positive),
 * waited marks in the order they were made, and the scores stay exact in a double.
 */
const WAITED_OFFSET_MS = 2 ** 43;

export interface DueEstimate {
  sessionId: string;
  /** The mark's score: the ticket a waiting post holds (see markWaited). */
  score: number;
  /** A post waits for this estimate (a waited mark); otherwise a background refresh. */
  waited: boolean;
  /** Background refresh: when the estimate that was due was made (ms); an estimate made later means the session is up to date. */
  estimatedAt: number | null;
}

export interface DueCounts {
  /** Sessions marked, waited for or not. */
  marked: number;
  /** Of these, the ones a post waits for. */
  waited: number;
}

export class DueEstimates {
  private readonly key: string;
  private readonly scripts: ReturnType<typeof defineScripts<'dueMarkWaited'>>;

  /**
   * How many sessions are due, and how many of them posts wait for (the gateway's measure of how
   * far behind the workers are, with the jobs waiting in the queue). Posts asking while a reading
   * is on its way share it.
   */
  readonly counts: () => Promise<DueCounts>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = dueEstimatesKey(prefix);
    this.scripts = defineScripts(redis, { dueMarkWaited: { numberOfKeys: 1, lua: MARK_WAITED_SCRIPT } });
    this.counts = sharedReading(async () => {
      const [marked, waited] = await Promise.all([this.redis.zcard(this.key), this.redis.zcount(this.key, '-inf', '(0')]);
      return { marked, waited };
    });
  }

  /** How many sessions are due (waited for or not). */
  async count(): Promise<number> {
    return (await this.counts()).marked;
  }

  /** Marks a session due for a background refresh, keeping any earlier mark; true when it was not marked yet. */
  async mark(sessionId: string, estimatedAt: number): Promise<boolean> {
    return (await this.redis.zadd(this.key, 'NX', estimatedAt, sessionId)) === 1;
  }

  /**
   * Marks a session for an estimate a post waits for, ahead of every background mark (a mark
   * already there is moved up; an earlier waited mark stays as it is). Returns the mark's score:
   * the ticket the post waits on. The estimate made when a worker takes that mark reads the trace
   * after this call, so it includes whatever the post stored before it.
   */
  async markWaited(sessionId: string, now = Date.now()): Promise<number> {
    return Number(await this.scripts.dueMarkWaited([this.key], [now - WAITED_OFFSET_MS, sessionId]));
  }

  /**
   * Takes the lowest mark (a waited one first, then the oldest estimate), waiting up to
   * `timeoutSeconds` for one; null when none came. `blocking` must be a connection of the caller's
   * own (the command holds it). A session taken is no longer marked: if a background estimate
   * fails, the session's next post marks it again.
   */
  async take(blocking: Redis, timeoutSeconds: number): Promise<DueEstimate | null> {
    const popped = await blocking.bzpopmin(this.key, timeoutSeconds);
    if (!popped) return null;
    const [, sessionId, raw] = popped;
    const score = Number(raw);
    const waited = score < 0;
    return { sessionId, score, waited, estimatedAt: waited ? null : score };
  }
}
