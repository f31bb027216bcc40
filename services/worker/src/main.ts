/** Worker process: load models, consume the queue, serve /metrics, shut down cleanly. */
import { pino } from 'pino';
import { loadWorkerConfig } from '@pulsecam/config';
import { loadOrExit, onShutdown } from '@pulsecam/lifecycle';
import { randomUUID } from 'node:crypto';
import { getPriority, hostname, setPriority } from 'node:os';
import { beat, connectRedis, DueEstimates, forget, SessionStore, VideoStore, WorkLedger, type WorkerBeat } from '@pulsecam/store';
import { ffmpegPath } from '@pulsecam/video';
import type { FaceDetector } from '@pulsecam/vision';
import { createFrameWorker } from './frame-worker.ts';
import { createVideoWorker } from './video-worker.ts';
import { startRefresher, type Refresher } from './refresher.ts';
import { WorkerMetrics } from './metrics.ts';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';

const SHUTDOWN_DEADLINE_MS = 20_000;
const HEARTBEAT_MS = 5_000;

/**
 * Lowers this process's CPU priority to `nice` (WORKER_NICE), before the model and codec threads
 * start (threads inherit it). Never raises it: a worker started nicer than asked stays so.
 */
function lowerPriority(nice: number, log: { warn: (o: object, msg: string) => void }): void {
  try {
    if (getPriority() < nice) setPriority(nice);
  } catch (err) {
    log.warn({ err, nice }, 'could not lower the worker\'s CPU priority (WORKER_NICE); it runs at the gateway\'s');
  }
}

async function main(): Promise<void> {
  const config = loadOrExit('worker', () => loadWorkerConfig());
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'worker', pid: process.pid } });
  lowerPriority(config.WORKER_NICE, log);
  const metrics = new WorkerMetrics();
  let ready = false;
  const metricsServer = metrics.server(() => ready);
  await new Promise<void>((resolve, reject) => {
    metricsServer.once('error', reject);
    metricsServer.listen(config.METRICS_PORT, config.METRICS_HOST, () => resolve());
  });
  const metricsPort = (metricsServer.address() as { port: number }).port;

  const loadStart = performance.now();
  let detector: FaceDetector;
  try {
    detector = await detectorFromConfig(config);
  } catch (err) {
    log.fatal({ err }, 'face models failed to load');
    process.exit(1);
  }
  log.info({ backend: config.TF_BACKEND, inputSize: config.DETECTOR_INPUT_SIZE, landmarks: config.LANDMARK_MODEL, ms: Math.round(performance.now() - loadStart) }, 'face models loaded');

  // The store's connection and BullMQ's are apart: BullMQ defines its Lua scripts (64) on the
  // connection it is given, and ioredis copies them onto every pipeline made on it (an estimate's
  // read is one), which cost ~80 µs per pipeline instead of ~20.
  const redis = connectRedis(config.REDIS_URL, {}, { cluster: config.REDIS_CLUSTER });
  const queueRedis = connectRedis(config.REDIS_URL, {}, { cluster: config.REDIS_CLUSTER });
  for (const connection of [redis, queueRedis]) connection.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const store = new SessionStore(redis, config.KEY_PREFIX, {
    ttlSeconds: config.SESSION_TTL_SECONDS,
    maxSessions: config.MAX_SESSIONS,
    bufferSeconds: config.BUFFER_SECONDS,
    bufferMaxSamples: config.BUFFER_MAX_SAMPLES,
  });
  const ledger = new WorkLedger(redis, config.KEY_PREFIX);
  const pipeline = pipelineFromConfig(detector, config);
  const estimate = { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };
  const context = { pipeline, store, metrics, estimate, estimateIntervalMs: config.ESTIMATE_INTERVAL_MS };
  const worker = createFrameWorker({
    connection: queueRedis,
    prefix: config.KEY_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockMs: config.JOB_LOCK_MS,
    ledger,
    log,
    context,
  });
  let refresher: Refresher | null = null;
  // Videos get a pipeline of their own: its tracker state is per segment, never shared with live frames.
  let ffmpeg: string | null = null;
  try {
    ffmpeg = ffmpegPath(config.FFMPEG_PATH);
  } catch (err) {
    log.error({ reason: (err as Error).message }, 'no ffmpeg: this worker takes no video jobs (live frames are not affected)');
  }
  const videoWorker =
    config.VIDEO_WORKER_CONCURRENCY > 0 && ffmpeg
      ? createVideoWorker({
          connection: queueRedis,
          prefix: config.KEY_PREFIX,
          concurrency: config.VIDEO_WORKER_CONCURRENCY,
          lockMs: config.JOB_LOCK_MS,
          pipeline: pipelineFromConfig(detector, config),
          videos: new VideoStore(redis, config.KEY_PREFIX),
          ledger,
          metrics,
          estimate,
          bufferSeconds: config.BUFFER_SECONDS,
          ffmpeg,
          maxSide: config.ANALYSIS_MAX_SIDE,
          progressTtlSeconds: config.VIDEO_UPLOAD_TTL_SECONDS,
          log,
        })
      : null;
  const tensorTimer = setInterval(() => metrics.tensors.set(detector.tensorMemory().numTensors), 5000);
  tensorTimer.unref();

  // Heartbeats tell the gateway's readiness probe that a worker is alive (not just connected).
  const identity: WorkerBeat = { id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, pid: process.pid, host: hostname(), startedAt: Date.now(), jobs: 0 };
  worker.on('completed', () => identity.jobs++);
  videoWorker?.on('completed', () => identity.jobs++);
  const sendBeat = () => beat(redis, config.KEY_PREFIX, identity).catch((err: Error) => log.debug({ err: err.message }, 'heartbeat failed'));
  const beatTimer = setInterval(() => void sendBeat(), HEARTBEAT_MS);
  beatTimer.unref();

  onShutdown(log, SHUTDOWN_DEADLINE_MS, [
    ['not ready', () => (ready = false)],
    ['heartbeat', () => clearInterval(beatTimer)],
    ['background estimates (finishing those under way)', () => refresher?.close()],
    ['worker (finishing active jobs)', () => worker.close()],
    // A segment in progress is cut short: its lock lapses and another worker runs it again.
    ['video worker', () => videoWorker?.close(true)],
    ['deregister', () => forget(redis, config.KEY_PREFIX, identity.id)],
    ['redis', () => Promise.all([redis.quit(), queueRedis.quit()])],
    ['metrics', () => new Promise<void>((r) => metricsServer.close(() => r()))],
  ]);

  void worker.run().catch((err) => log.error({ err }, 'worker stopped with an error'));
  void videoWorker?.run().catch((err) => log.error({ err }, 'video worker stopped with an error'));
  await worker.waitUntilReady();
  await videoWorker?.waitUntilReady();
  if (config.ESTIMATE_REFRESHERS > 0) {
    refresher = startRefresher({ connection: redis, prefix: config.KEY_PREFIX, due: new DueEstimates(redis, config.KEY_PREFIX), loops: config.ESTIMATE_REFRESHERS, context, log, onEstimated: () => identity.jobs++ });
  }
  await sendBeat();
  ready = true;
  log.info({ queues: videoWorker ? ['frames', 'videos'] : ['frames'], concurrency: config.WORKER_CONCURRENCY, refreshers: config.ESTIMATE_REFRESHERS, videoConcurrency: config.VIDEO_WORKER_CONCURRENCY, metricsPort }, 'worker ready');
}

void main().catch((err) => {
  console.error('pulsecam worker failed to start:', err);
  process.exit(1);
});
