import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for BullMQ and the session store. BullMQ workers need
 * maxRetriesPerRequest: null (blocking commands must not be retried by count).
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/**
 * A Redis connection for request paths (the gateway's store and queue producer): it fails fast
 * instead of waiting for Redis to come back. No offline queue (a command while disconnected fails
 * at once), one retry, and every command bounded by a timeout; it still reconnects by itself.
 * Not for blocking commands (BullMQ workers and QueueEvents use connectRedis).
 */
export function connectRequestRedis(url: string, commandTimeoutMs: number, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    ...options,
  });
}

const UNAVAILABLE = /Stream isn't writeable|Redis connection is not ready|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries|LOADING|enableOfflineQueue/i;

/** Whether an error means Redis could not be reached (as opposed to a bug or bad data). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message);
}

/** Resolves true when something answers PING at the URL within the timeout. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
