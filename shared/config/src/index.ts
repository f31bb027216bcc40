/**
 * The one validated configuration module. Each process calls its loader once in main.ts with
 * process.env (never at import time), so tests pass plain objects.
 */
import { z } from 'zod';

const redisUrl = z
  .string()
  .url()
  .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss://');

/** Settings both the gateway and the workers read: they must agree on them. */
export const CommonEnv = z.object({
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** true: REDIS_URL is one node of a Redis Cluster (every key shares one hash tag, so any cluster works). */
  REDIS_CLUSTER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** The ffmpeg used to read videos (empty: the one @ffmpeg-installer/ffmpeg installed with npm). */
  FFMPEG_PATH: z.string().default(''),
  /** An uploaded video is kept in Redis (in chunks) for at most this long; it is deleted as soon as its job ends. */
  VIDEO_UPLOAD_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(3600),
  /** Prefix of every Redis key and BullMQ queue; lets several deployments (or tests) share a Redis. */
  KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('pulsecam'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  MAX_SESSIONS: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Seconds of colour trace kept per session (newest first). */
  BUFFER_SECONDS: z.coerce.number().min(10).max(600).default(30),
  /** Hard cap on samples kept per session, whatever their rate. */
  BUFFER_MAX_SAMPLES: z.coerce.number().int().min(100).max(100_000).default(1800),
  /** No heart rate is reported before this many seconds of signal. */
  MIN_SIGNAL_SECONDS: z.coerce.number().min(3).max(60).default(6),
  /** Seconds of newest signal each spectrum looks at. */
  WINDOW_SECONDS: z.coerce.number().min(4).max(60).default(10),
  HR_METHOD: z.enum(['pulsecam', 'pos', 'chrom', 'green', 'lgi', 'omit']).default('pulsecam'),
  /*
   * How frames are analysed. Common because devices in private mode run the same vision code
   * with the settings the gateway advertises at /status (analysis), so their traces match the workers'.
   */
  /** Tiny face detector input size (multiple of 32): larger finds smaller faces, slower. */
  DETECTOR_INPUT_SIZE: z.coerce.number().int().min(128).max(1024).multipleOf(32).default(256),
  MIN_FACE_SCORE: z.coerce.number().min(0.05).max(0.99).default(0.5),
  /** face-api's 68-landmark model: full (steadier) or tiny (faster); see the README's speed table. */
  LANDMARK_MODEL: z.enum(['full', 'tiny']).default('full'),
  /** Followed frames between detector passes that confirm the face is still there. */
  TRACK_CHECK_EVERY_FRAMES: z.coerce.number().int().min(1).max(1000).default(30),
  /** Most frames skipped between full-frame face searches while no face is found (back-off cap). */
  FACE_SEARCH_MAX_WAIT: z.coerce.number().int().min(0).max(100).default(8),
});

export const GatewayEnv = CommonEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  /** Largest decoded image accepted, in bytes. */
  MAX_IMAGE_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(4 * 1024 * 1024),
  MAX_BATCH_IMAGES: z.coerce.number().int().min(1).max(1000).default(64),
  /**
   * A samples post reuses the session's newest estimate while the samples sent since cover less
   * than this much capture time (0: every post is estimated afresh). Devices post every second, so
   * they get a fresh estimate every other post, which halves the workers' share of private mode
   * (the README's Speed section); a recording sent in bigger pieces is estimated every time.
   */
  SAMPLES_ESTIMATE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1500),
  /**
   * While the workers are behind (more than half of MAX_QUEUED_JOBS waiting), a samples post whose
   * session has an estimate younger than this stores its samples and is answered with that
   * estimate at once, and a background estimate of the session (one at a time, while the queue is
   * within its limit) brings it up to date for the next post: under load nobody waits for the
   * workers, and estimates come less often before any post is refused. A session whose estimate
   * is older waits for a fresh one as usual (0: never).
   */
  SAMPLES_MAX_ESTIMATE_AGE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** Most colour samples one POST /session/{id}/samples may carry. */
  MAX_SAMPLES_PER_REQUEST: z.coerce.number().int().min(1).max(100_000).default(1800),
  /** Largest request body (JSON or multipart), in bytes. */
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(64 * 1024 * 1024),
  /** How long a synchronous request waits for its job(s). */
  JOB_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** How long results of ?async=true jobs stay readable at GET /jobs/{id}. */
  ASYNC_RESULT_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  /**
   * Origins allowed to call the API from a browser, comma-separated (`*`: any, the open local
   * default; empty list: none). The page served by the gateway itself is same-origin and needs none.
   */
  CORS_ORIGINS: z.string().default('*'),
  /** open: anyone may create sessions (quotas per client address); keys: every API call needs X-API-Key. */
  AUTH: z.enum(['open', 'keys']).default('open'),
  /** Live sessions one client (API key, or address in open mode) may hold; a key's --max-sessions overrides it. */
  CLIENT_MAX_SESSIONS: z.coerce.number().int().min(1).max(100_000).default(10),
  /** API requests per minute per client; a key's --rpm overrides it. */
  CLIENT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Frames and samples per second per client, averaged over 10 s; a key's --fps overrides it. */
  CLIENT_FRAMES_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Frames one session may have waiting for the workers (about 4 s of 30 fps video). */
  MAX_PENDING_FRAMES_PER_SESSION: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Image bytes (base64, as queued) waiting for the workers in all, across gateways. */
  MAX_QUEUED_BYTES: z.coerce.number().int().min(1024 * 1024).max(64 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (Express "trust proxy"):
   * false (none: the socket's peer), true (any), a hop count, or addresses/subnets comma-separated.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string[] => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean))),
  /** Longest a Redis command on the request path may take; past it the request answers 503. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1500),
  /** Jobs waiting for a worker beyond which new analysis requests are refused (503 + Retry-After). */
  MAX_QUEUED_JOBS: z.coerce.number().int().min(1).max(100_000).default(40),
  /** How far past the session's newest frame (plus the wall time since) a capture timestamp may be. */
  CLOCK_TOLERANCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** Serve the web client from this folder at / (empty: do not serve it). */
  WEB_ROOT: z.string().default(''),
  /** Uploaded videos larger than this are refused (413) while they stream in. */
  MAX_VIDEO_BYTES: z.coerce.number().int().min(1024).max(4 * 1024 * 1024 * 1024).default(200 * 1024 * 1024),
  /** Uploaded videos longer than this are refused (413) from their header, before any frame is analysed. */
  MAX_VIDEO_SECONDS: z.coerce.number().min(1).max(24 * 3600).default(600),
  /** A video is analysed in segments of this length, by as many workers as are free. */
  VIDEO_SEGMENT_SECONDS: z.coerce.number().min(5).max(3600).default(30),
});

export const WorkerEnv = CommonEnv.extend({
  /**
   * Jobs one worker process runs at once (of different sessions: a session's jobs run one at a
   * time). Inference is single-threaded, but 2 lets one job's decoding (sharp's threads) and Redis
   * round trips overlap another's inference: measured with npm run bench:load.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * The worker's CPU niceness (0-19; it only ever lowers its own priority). Where the gateway
   * shares cores with workers (npm start, one machine), requests are then answered first and the
   * estimator and frame analysis take the CPU left over: under load a samples post is answered
   * at once with a young estimate while background estimates catch up, instead of every process
   * slowing down together (the README's Speed section). 0: the same priority as the gateway.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Estimates of device sessions one worker process makes at once (the sessions marked due: those
   * a samples post waits for first, then background refreshes oldest estimate first; see
   * DueEstimates). Each holds a Redis connection of its own while it waits for one. 0: this worker
   * makes none (another must, or samples posts wait out JOB_TIMEOUT_MS).
   */
  ESTIMATE_REFRESHERS: z.coerce.number().int().min(0).max(64).default(4),
  /** Video segments one worker process traces at once (each keeps a core busy; live frames share it). */
  VIDEO_WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  /** A job whose worker died is run again by another after this long (BullMQ lock duration and stalled check). */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  TF_BACKEND: z.enum(['wasm', 'cpu']).default('wasm'),
  /** Threads for the wasm backend (0: tfjs decides). */
  TF_THREADS: z.coerce.number().int().min(0).max(64).default(1),
  /** Images above this many pixels are refused before decoding (decompression bombs). */
  MAX_IMAGE_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(16_000_000),
  /** Frames are downscaled so their longer side is at most this before analysis. */
  ANALYSIS_MAX_SIDE: z.coerce.number().int().min(128).max(4096).default(640),
  /** Images whose shorter side is below this are refused from their header (no face fits). */
  MIN_IMAGE_SIDE: z.coerce.number().int().min(16).max(4096).default(32),
  /** Images more than this many times longer than wide (or the reverse) are refused from their header. */
  MAX_IMAGE_ASPECT: z.coerce.number().min(1).max(100).default(4),
  /** Frames sent one at a time (/analyze-image) reuse the session's estimate while it is younger than this. */
  ESTIMATE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Address the worker's /metrics and /health listen on: loopback unless a scraper elsewhere needs them. */
  METRICS_HOST: z.string().default('127.0.0.1'),
});

export const LauncherEnv = z.object({
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  /**
   * How many of the WORKERS processes run the estimators of device sessions (ESTIMATE_REFRESHERS
   * loops); the others run none and take frame and video jobs only. On one machine, device
   * sessions' estimates made in one process cost less CPU each than the same estimates shared by
   * two niced processes (the README's Speed section, stop 28). A crashed worker is restarted by the
   * launcher with the settings it had.
   */
  REFRESHER_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  START_REDIS: z.enum(['auto', 'never']).default('auto'),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
});

export type CommonConfig = z.infer<typeof CommonEnv>;
export type GatewayConfig = z.infer<typeof GatewayEnv>;
export type WorkerConfig = z.infer<typeof WorkerEnv>;
export type LauncherConfig = z.infer<typeof LauncherEnv>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function load<T extends z.ZodType>(schema: T, src: Record<string, string | undefined>): z.infer<T> {
  // Empty strings mean "not set", as shells and compose files often pass them.
  const cleaned = Object.fromEntries(Object.entries(src).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

export const loadGatewayConfig = (src: Record<string, string | undefined> = process.env): GatewayConfig =>
  load(GatewayEnv, src);
export const loadWorkerConfig = (src: Record<string, string | undefined> = process.env): WorkerConfig =>
  load(WorkerEnv, src);
/**
 * What the launcher sets for its `index`-th worker process (from 0) on top of the environment it
 * shares with all of them: past the first REFRESHER_WORKERS, no estimators of device sessions.
 */
export function launchedWorkerSettings(launcher: Pick<LauncherConfig, 'REFRESHER_WORKERS'>, index: number): Record<string, string> {
  return index < launcher.REFRESHER_WORKERS ? {} : { ESTIMATE_REFRESHERS: '0' };
}

export const loadLauncherConfig = (src: Record<string, string | undefined> = process.env): LauncherConfig =>
  load(LauncherEnv, src);
