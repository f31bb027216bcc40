import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayConfig } from '@pulsecam/config';
import type { SessionStore } from '@pulsecam/store';
import type { JobQueue } from './job-queue.ts';
import type { GatewayMetrics } from './metrics.ts';

export interface GatewayDeps {
  config: GatewayConfig;
  redis: Redis;
  jobs: JobQueue;
  store: SessionStore;
  metrics: GatewayMetrics;
  log: Logger;
  version: string;
  startedAt: number;
}
