/** Gateway metrics (prom-client): request latency, job latency, queue depth, active sessions. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  queueCounts: () => Promise<Record<string, number>>;
  activeSessions: () => Promise<number>;
  /** Sessions marked due for a background estimate, not yet taken by a worker. */
  dueEstimates: () => Promise<number>;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'pulsecam_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'pulsecam_job_duration_seconds',
    help: 'Time from enqueue to result for synchronous jobs, by job name and outcome.',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly framesSubmitted = new Counter({
    name: 'pulsecam_frames_submitted_total',
    help: 'Frames accepted for analysis, by endpoint.',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly estimatesDeferred = new Counter({
    name: 'pulsecam_estimates_deferred_total',
    help: 'Samples posts answered at once with the session\'s newest estimate because the workers were behind (SAMPLES_MAX_ESTIMATE_AGE_MS), by whether the session was marked due for a background estimate by this post (queued; not_queued: the estimate is younger than half that age, or the session was marked already).',
    labelNames: ['refresh'] as const,
    registers: [this.registry],
  });
  readonly framesProcessed = new Counter({
    name: 'pulsecam_frames_processed_total',
    help: 'Frames whose result the gateway received, by outcome (face, no_face, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pulsecam_gateway_' });
    new Gauge({
      name: 'pulsecam_queue_jobs',
      help: 'Jobs in the frames queue by state.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await sources.queueCounts();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'pulsecam_estimates_due',
      help: 'Sessions marked due for a background estimate (samples posts while the workers are behind), not yet taken by a worker: with the queue, how far behind the workers are.',
      registers: [this.registry],
      async collect() {
        this.set(await sources.dueEstimates());
      },
    });
    new Gauge({
      name: 'pulsecam_active_sessions',
      help: 'Sessions alive in Redis.',
      registers: [this.registry],
      async collect() {
        this.set(await sources.activeSessions());
      },
    });
  }
}
