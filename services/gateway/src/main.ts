/** Gateway process: connect to Redis, serve HTTP, shut down cleanly. */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadGatewayConfig } from '@pulsecam/config';
import { loadOrExit, onShutdown } from '@pulsecam/lifecycle';
import { ApiKeyStore, connectRedis, connectRequestRedis, DueEstimates, SessionStore } from '@pulsecam/store';
import { createApp } from './app.ts';
import { EstimateWaiter } from './estimate-waiter.ts';
import { JobQueue } from './job-queue.ts';
import { GatewayMetrics } from './metrics.ts';

const SHUTDOWN_DEADLINE_MS = 15_000;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(): Promise<void> {
  const config = loadOrExit('gateway', () => loadGatewayConfig());
  // Secrets are never logged on purpose; redaction is the safety net should a header object slip into a log call.
  const log = pino({
    level: config.LOG_LEVEL,
    base: { service: 'gateway', pid: process.pid },
    redact: { paths: ['headers.authorization', 'headers["x-api-key"]', 'req.headers.authorization', 'req.headers["x-api-key"]', 'session_token'], censor: '[redacted]' },
  });
  // The request path fails fast when Redis is away (503 + Retry-After); the events stream waits it out.
  const target = { cluster: config.REDIS_CLUSTER };
  // The store's and the rate limits' commands, many per request and many requests at once, go out
  // auto-pipelined (one write per event-loop turn, not one per command); BullMQ's producer keeps a
  // plain connection of its own, as BullMQ expects.
  const redis = connectRequestRedis(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS, { enableAutoPipelining: true }, target);
  const queueRedis = connectRequestRedis(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS, {}, target);
  const eventsRedis = connectRedis(config.REDIS_URL, {}, target);
  let redisDown = false;
  const onRedisError = (err: Error) => {
    if (!redisDown) log.warn({ err: err.message }, 'redis unreachable; answering 503 until it is back');
    redisDown = true;
  };
  redis.on('error', onRedisError);
  queueRedis.on('error', onRedisError);
  eventsRedis.on('error', onRedisError);
  redis.on('ready', () => {
    if (redisDown) log.info('redis reachable again');
    redisDown = false;
  });
  const store = new SessionStore(redis, config.KEY_PREFIX, {
    ttlSeconds: config.SESSION_TTL_SECONDS,
    maxSessions: config.MAX_SESSIONS,
    bufferSeconds: config.BUFFER_SECONDS,
    bufferMaxSamples: config.BUFFER_MAX_SAMPLES,
  });
  const jobs = new JobQueue({ connection: queueRedis, eventsConnection: eventsRedis, prefix: config.KEY_PREFIX, asyncResultTtlSeconds: config.ASYNC_RESULT_TTL_SECONDS });
  // The estimates samples posts wait for come back on a subscription of its own, which waits out outages.
  const noticesRedis = connectRedis(config.REDIS_URL, {}, target);
  noticesRedis.on('error', onRedisError);
  const estimates = new EstimateWaiter(noticesRedis, config.KEY_PREFIX);
  await Promise.all([jobs.ready(), estimates.ready()]);
  // API keys stored before key names carried a hash tag are moved under the new names, once.
  const adopted = await new ApiKeyStore(redis, config.KEY_PREFIX).adoptUntagged().catch((err: Error) => {
    log.warn({ err: err.message }, 'could not check for API keys under the old key names');
    return 0;
  });
  if (adopted > 0) log.info({ keys: adopted }, 'API keys moved to hash-tagged key names');
  const dueEstimates = new DueEstimates(redis, config.KEY_PREFIX);
  const metrics = new GatewayMetrics({
    queueCounts: () => jobs.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    activeSessions: () => store.count(),
    dueEstimates: () => dueEstimates.count(),
  });
  const lifecycle = { shuttingDown: false };
  const app = createApp({ config, redis, jobs, estimates, store, metrics, log, version: version(), startedAt: Date.now(), lifecycle });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  log.info({ port, auth: config.AUTH, cors: config.CORS_ORIGINS, trustProxy: config.TRUST_PROXY, redis: config.REDIS_URL.replace(/\/\/[^@]*@/, '//***@') }, 'gateway listening');

  // Stop taking work (readiness 503, new analysis requests 503), let in-flight requests finish
  // (their jobs are still being run by the workers), then close the queue and Redis.
  onShutdown(log, SHUTDOWN_DEADLINE_MS, [
    ['not ready', () => (lifecycle.shuttingDown = true)],
    [
      'http',
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeIdleConnections();
        }),
    ],
    ['queue', () => jobs.close()],
    ['estimates waited for', () => estimates.close()],
    ['redis', () => Promise.all([redis.quit(), queueRedis.quit(), eventsRedis.quit()])],
  ]);
}

void main().catch((err) => {
  console.error('pulsecam gateway failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
