/**
 * Per-client request and frame rates, counted in Redis by rate-limiter-flexible (fixed windows)
 * so every gateway replica shares them. Answers carry the IETF draft RateLimit and
 * RateLimit-Policy headers; a refusal is a 429 problem with Retry-After.
 */
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimitPrefix } from '@pulsecam/contracts';
import type { Client } from './client-identity.ts';
import { ApiError } from './errors.ts';

/** Requests are counted per minute. */
const REQUEST_WINDOW_SECONDS = 60;
/** Frames per second are averaged over this many seconds, so one batch of a second's frames fits. */
const FRAME_WINDOW_SECONDS = 10;

function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export class ClientRateLimits {
  private readonly limiters = new Map<string, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private limiter(kind: 'requests' | 'frames', points: number, seconds: number): RateLimiterRedis {
    const id = `${kind}:${points}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: rateLimitPrefix(this.prefix, kind), points, duration: seconds, rejectIfRedisNotReady: true });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** Counts one request; sets the RateLimit headers; 429 past the client's requests per minute. */
  async request(client: Client, res: Response): Promise<void> {
    const limit = client.limits.rpm;
    const outcome = await consume(this.limiter('requests', limit, REQUEST_WINDOW_SECONDS), client.id, 1);
    res.setHeader('RateLimit-Policy', `${limit};w=${REQUEST_WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `limit=${limit}, remaining=${outcome.res.remainingPoints}, reset=${retryAfterSeconds(outcome.res)}`);
    if (!outcome.allowed) {
      throw new ApiError('rate_limited', `more than ${limit} requests a minute from this client; retry after the window resets`, undefined, {
        'Retry-After': String(retryAfterSeconds(outcome.res)),
      });
    }
  }

  /** Counts `n` frames (or samples); 429 when they would take the client past its frames per second. */
  async frames(client: Client, n: number): Promise<void> {
    if (n === 0) return;
    const fps = client.limits.fps;
    const limiter = this.limiter('frames', fps * FRAME_WINDOW_SECONDS, FRAME_WINDOW_SECONDS);
    const outcome = await consume(limiter, client.id, n);
    if (outcome.allowed) return;
    // Frames that were refused were not sent on: they do not count against the next try.
    await limiter.reward(client.id, n);
    throw new ApiError(
      'rate_limited',
      `${n} more frames would exceed this client's ${fps} frames a second (averaged over ${FRAME_WINDOW_SECONDS} s); ${outcome.res.remainingPoints} fit now`,
      undefined,
      { 'Retry-After': String(retryAfterSeconds(outcome.res)) },
    );
  }
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit and with an Error when Redis fails. */
async function consume(limiter: RateLimiterRedis, key: string, points: number): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await limiter.consume(key, points) };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, res: err };
    throw err;
  }
}
