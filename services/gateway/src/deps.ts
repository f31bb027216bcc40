import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayConfig } from '@pulsecam/config';
import type { ApiKeyStore, DueEstimates, SessionStore, WorkLedger } from '@pulsecam/store';
import type { EstimateWaiter } from './estimate-waiter.ts';
import type { ClientRateLimits } from './rate-limits.ts';
import type { JobQueue } from './job-queue.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { VideoJobs } from './video-jobs.ts';

/** What the process is doing: the readiness probe and the request path read it. */
export interface Lifecycle {
  shuttingDown: boolean;
}

export interface GatewayDeps {
  config: GatewayConfig;
  redis: Redis;
  jobs: JobQueue;
  /** Samples posts waiting for a fresh estimate of their session. */
  estimates: EstimateWaiter;
  store: SessionStore;
  metrics: GatewayMetrics;
  log: Logger;
  version: string;
  startedAt: number;
  lifecycle: Lifecycle;
}

/** What the routes use: the process's deps plus the Redis-backed guards createApp builds on them. */
export interface RouteDeps extends GatewayDeps {
  keys: ApiKeyStore;
  ledger: WorkLedger;
  /** Sessions due for a background estimate (samples posts while the workers are behind). */
  dueEstimates: DueEstimates;
  rates: ClientRateLimits;
  videos: VideoJobs;
}
