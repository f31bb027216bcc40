/**
 * Sessions whose estimate is due for a background refresh, oldest estimate first: one sorted set,
 * member the session id, score when its current estimate was made. While the workers are behind,
 * the gateway answers a device's post with the session's newest estimate and marks the session
 * here once that estimate is half its allowed age; the workers take the session with the oldest
 * estimate, estimate it, and its next mark scores the new one. So under load every session is
 * renewed in turn (round robin by age, whatever order the posts arrive in), a session is marked
 * at most once however often it posts, and a refresh costs one Redis command each way instead of
 * a queued job's life cycle.
 */
import type { Redis } from 'ioredis';
import { dueEstimatesKey } from '@pulsecam/contracts';
import { sharedReading } from './shared-reading.ts';

export interface DueEstimate {
  sessionId: string;
  /** When the estimate that was due was made (ms): an estimate made later means the session is up to date. */
  estimatedAt: number;
}

export class DueEstimates {
  private readonly key: string;

  /**
   * How many sessions are due (the gateway's measure of how far behind the workers are, with the
   * jobs waiting in the queue). Posts asking while a reading is on its way share it.
   */
  readonly count: () => Promise<number>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = dueEstimatesKey(prefix);
    this.count = sharedReading(() => this.redis.zcard(this.key));
  }

  /** Marks a session due, keeping its first mark; true when it was not marked yet. */
  async mark(sessionId: string, estimatedAt: number): Promise<boolean> {
    return (await this.redis.zadd(this.key, 'NX', estimatedAt, sessionId)) === 1;
  }

  /**
   * Takes the session whose due estimate is oldest, waiting up to `timeoutSeconds` for one; null
   * when none came. `blocking` must be a connection of the caller's own (the command holds it).
   * A session taken is no longer marked: if its estimate fails, its next post marks it again.
   */
  async take(blocking: Redis, timeoutSeconds: number): Promise<DueEstimate | null> {
    const popped = await blocking.bzpopmin(this.key, timeoutSeconds);
    if (!popped) return null;
    const [, sessionId, score] = popped;
    return { sessionId, estimatedAt: Number(score) };
  }
}
