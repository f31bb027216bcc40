/** Worker metrics (prom-client), served on the worker's own port. */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class WorkerMetrics {
  readonly registry = new Registry();
  readonly frames = new Counter({
    name: 'pulsecam_worker_frames_total',
    help: 'Frames processed, by outcome (face, no_face, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly framePaths = new Counter({
    name: 'pulsecam_worker_frame_paths_total',
    help: 'Frames by vision path: tracked (landmarks on the followed face), detected (found by a search), searched (search found nothing), skipped (search backing off).',
    labelNames: ['path'] as const,
    registers: [this.registry],
  });
  readonly videoFrames = new Counter({
    name: 'pulsecam_worker_video_frames_total',
    help: 'Frames of uploaded videos traced (segment jobs).',
    registers: [this.registry],
  });
  readonly deferred = new Counter({
    name: 'pulsecam_worker_jobs_deferred_total',
    help: 'Jobs put back for a moment because another job held their session stream.',
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'pulsecam_worker_job_duration_seconds',
    help: 'Time to process one job, by job name and result.',
    labelNames: ['job', 'result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'pulsecam_worker_stage_duration_seconds',
    help: 'Time spent per frame stage (decode, vision, store, estimate).',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly tensors = new Gauge({
    name: 'pulsecam_worker_tf_tensors',
    help: 'Tensors held by TensorFlow.js (constant when nothing leaks).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'pulsecam_worker_' });
  }

  /** HTTP server answering GET /metrics and GET /health. */
  server(isReady: () => boolean): http.Server {
    return http.createServer((req, res) => {
      if (req.url === '/metrics') {
        this.registry
          .metrics()
          .then((body) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(body);
          })
          .catch(() => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end('metrics unavailable\n');
          });
        return;
      }
      if (req.url === '/health') {
        const ready = isReady();
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ready ? 'healthy' : 'starting' }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    });
  }
}
