import type { Logger } from 'pino';
import type { JobName, PayloadOf, ResultOf } from '@pulsecam/contracts';
import type { SessionStore } from '@pulsecam/store';
import type { EstimateSettings } from '@pulsecam/analysis';
import type { WorkerMetrics } from '../metrics.ts';
import type { FramePipeline } from '@pulsecam/analysis';

export interface HandlerContext {
  pipeline: FramePipeline;
  store: SessionStore;
  estimate: EstimateSettings;
  /** A throttled estimate younger than this is reused rather than recomputed. */
  estimateIntervalMs: number;
  metrics: WorkerMetrics;
}

export type Handler<K extends JobName> = (payload: PayloadOf<K>, ctx: HandlerContext, log: Logger) => Promise<ResultOf<K>>;
