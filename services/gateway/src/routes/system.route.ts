import { Router } from 'express';
import type { GatewayDeps } from '../deps.ts';

export function systemRouter(deps: GatewayDeps): Router {
  const router = Router();
  const { config, jobs, store, redis, metrics, version, startedAt } = deps;
  const uptime = () => Math.round((Date.now() - startedAt) / 10) / 100;

  router.get('/health', (_req, res) => {
    res.json({ status: 'healthy', timestamp: new Date().toISOString(), version, uptime_seconds: uptime() });
  });

  router.get('/ready', async (_req, res) => {
    let redisOk = false;
    let workers = 0;
    try {
      redisOk = (await redis.ping()) === 'PONG';
      workers = await jobs.queue.getWorkersCount();
    } catch {
      redisOk = false;
    }
    res.status(redisOk ? 200 : 503).json({ status: redisOk ? 'ready' : 'not_ready', redis: redisOk ? 'ok' : 'unreachable', workers });
  });

  router.get('/status', async (_req, res) => {
    const [counts, workers, sessions] = await Promise.all([
      jobs.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'),
      jobs.queue.getWorkersCount(),
      store.count(),
    ]);
    res.json({
      status: 'ok',
      version,
      uptime_seconds: uptime(),
      timestamp: new Date().toISOString(),
      queue: {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
        delayed: counts.delayed ?? 0,
      },
      workers,
      sessions: { active: sessions, max: config.MAX_SESSIONS },
      limits: {
        max_image_bytes: config.MAX_IMAGE_BYTES,
        max_batch_images: config.MAX_BATCH_IMAGES,
        session_ttl_seconds: config.SESSION_TTL_SECONDS,
        buffer_seconds: config.BUFFER_SECONDS,
        buffer_max_samples: config.BUFFER_MAX_SAMPLES,
        min_signal_seconds: config.MIN_SIGNAL_SECONDS,
        window_seconds: config.WINDOW_SECONDS,
      },
      method: config.HR_METHOD,
    });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
