import { Router } from 'express';
import { liveWorkers } from '@pulsecam/store';
import type { RouteDeps } from '../deps.ts';

/** A worker that has not beaten for this long is taken for dead (it beats every 5 s). */
export const WORKER_HORIZON_MS = 15_000;

export function systemRouter(deps: RouteDeps): Router {
  const router = Router();
  const { config, jobs, store, redis, metrics, version, startedAt, lifecycle } = deps;
  const uptime = () => Math.round((Date.now() - startedAt) / 10) / 100;

  router.get('/health', (_req, res) => {
    res.json({ status: 'healthy', timestamp: new Date().toISOString(), version, uptime_seconds: uptime() });
  });

  router.get('/ready', async (_req, res) => {
    let redisOk = false;
    let workers = 0;
    try {
      redisOk = (await redis.ping()) === 'PONG';
      workers = (await liveWorkers(redis, config.KEY_PREFIX, WORKER_HORIZON_MS)).length;
    } catch {
      redisOk = false;
    }
    const reason = lifecycle.shuttingDown ? 'shutting_down' : !redisOk ? 'redis_unreachable' : workers === 0 ? 'no_workers' : undefined;
    res.status(reason ? 503 : 200).json({ status: reason ? 'not_ready' : 'ready', redis: redisOk ? 'ok' : 'unreachable', workers, ...(reason ? { reason } : {}) });
  });

  router.get('/status', async (_req, res) => {
    const now = Date.now();
    const [counts, workers, sessions] = await Promise.all([
      jobs.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'),
      liveWorkers(redis, config.KEY_PREFIX, WORKER_HORIZON_MS, now),
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
      workers: workers.length,
      worker_heartbeats: workers.map((w) => ({ id: w.id, pid: w.pid, host: w.host, jobs: w.jobs, last_seen_ms_ago: now - w.lastSeen })),
      sessions: { active: sessions, max: config.MAX_SESSIONS },
      limits: {
        max_image_bytes: config.MAX_IMAGE_BYTES,
        max_batch_images: config.MAX_BATCH_IMAGES,
        session_ttl_seconds: config.SESSION_TTL_SECONDS,
        buffer_seconds: config.BUFFER_SECONDS,
        buffer_max_samples: config.BUFFER_MAX_SAMPLES,
        min_signal_seconds: config.MIN_SIGNAL_SECONDS,
        window_seconds: config.WINDOW_SECONDS,
        max_request_bytes: config.MAX_REQUEST_BYTES,
        max_pending_frames_per_session: config.MAX_PENDING_FRAMES_PER_SESSION,
        client_max_sessions: config.CLIENT_MAX_SESSIONS,
        client_requests_per_minute: config.CLIENT_REQUESTS_PER_MINUTE,
        client_frames_per_second: config.CLIENT_FRAMES_PER_SECOND,
      },
      auth: config.AUTH,
      method: config.HR_METHOD,
      analysis: {
        detector_input_size: config.DETECTOR_INPUT_SIZE,
        min_face_score: config.MIN_FACE_SCORE,
        landmark_model: config.LANDMARK_MODEL,
        track_check_every_frames: config.TRACK_CHECK_EVERY_FRAMES,
        face_search_max_wait: config.FACE_SEARCH_MAX_WAIT,
      },
    });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
