import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * With REDIS_CLUSTER=true, REDIS_URL names one node of a Redis Cluster (any; the client learns the
 * rest). Every key Pulsecam and BullMQ use shares one hash tag (contracts' redisPrefix), so one
 * node serves them all; the cluster gives failover and managed-service compatibility.
 */
export interface RedisTarget {
  cluster?: boolean;
}

/** A cluster client that looks like a Redis connection to the code using it (the commands used exist on both). */
function clusterClient(url: string, options: RedisOptions, clusterOptions: { enableOfflineQueue?: boolean } = {}): Redis {
  const { hostname, port, username, password } = new URL(url);
  const tls = url.startsWith('rediss://') ? { tls: {} } : {};
  const cluster = new Cluster([{ host: hostname, port: Number(port || 6379) }], {
    ...clusterOptions,
    enableReadyCheck: true,
    clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    redisOptions: { ...options, ...tls, ...(username ? { username: decodeURIComponent(username) } : {}), ...(password ? { password: decodeURIComponent(password) } : {}) },
  });
  return cluster as unknown as Redis;
}

/**
 * A Redis connection for BullMQ and the session store. BullMQ workers need
 * maxRetriesPerRequest: null (blocking commands must not be retried by count).
 */
export function connectRedis(url: string, options: RedisOptions = {}, target: RedisTarget = {}): Redis {
  const all: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  return target.cluster ? clusterClient(url, all) : new Redis(url, all);
}

/**
 * A Redis connection for request paths (the gateway's store and queue producer): it fails fast
 * instead of waiting for Redis to come back. No offline queue (a command while disconnected fails
 * at once), one retry, and every command bounded by a timeout; it still reconnects by itself.
 * Not for blocking commands (BullMQ workers and QueueEvents use connectRedis).
 */
export function connectRequestRedis(url: string, commandTimeoutMs: number, options: RedisOptions = {}, target: RedisTarget = {}): Redis {
  const all: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    ...options,
  };
  // A cluster client must queue commands while it learns the slots at start; each node's own
  // connection still fails fast (no offline queue, a command timeout).
  return target.cluster ? clusterClient(url, all, { enableOfflineQueue: true }) : new Redis(url, all);
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
