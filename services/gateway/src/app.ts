/** The Express application, without listen(): tests and main.ts both build it from their deps. */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import multer from 'multer';
import { ApiKeyStore, DueEstimates, isRedisUnavailable, VideoStore, WorkLedger } from '@pulsecam/store';
import { clientOf, identifyClient } from './client-identity.ts';
import type { GatewayDeps, RouteDeps } from './deps.ts';
import { ApiError, redisUnavailable } from './errors.ts';
import { bodySizeLimit, corsPolicy, requestId, securityHeaders } from './hardening.ts';
import { ClientRateLimits } from './rate-limits.ts';
import { markArrival } from './request-arrival.ts';
import { buildOpenApi } from './openapi.ts';
import { analyzeRouter } from './routes/analyze.route.ts';
import { docsRouter } from './routes/docs.route.ts';
import { jobsRouter } from './routes/jobs.route.ts';
import { samplesRouter } from './routes/samples.route.ts';
import { sessionsRouter } from './routes/sessions.route.ts';
import { systemRouter } from './routes/system.route.ts';
import { videoRouter } from './routes/video.route.ts';
import { visionAssetsRouter } from './routes/vision-assets.route.ts';
import { VideoJobs } from './video-jobs.ts';

/** The API's own paths: these identify the client, count its requests, and (with AUTH=keys) need a key. */
const API_PATHS = ['/create-session', '/session', '/sessions', '/analyze-image', '/analyze-batch', '/analyze-video', '/jobs'];

export function createApp(gatewayDeps: GatewayDeps): express.Express {
  const { config, log, metrics, redis } = gatewayDeps;
  const deps: RouteDeps = {
    ...gatewayDeps,
    keys: new ApiKeyStore(redis, config.KEY_PREFIX),
    ledger: new WorkLedger(redis, config.KEY_PREFIX),
    dueEstimates: new DueEstimates(redis, config.KEY_PREFIX),
    rates: new ClientRateLimits(redis, config.KEY_PREFIX),
    videos: new VideoJobs(gatewayDeps.jobs.connection, config.KEY_PREFIX, new VideoStore(redis, config.KEY_PREFIX)),
  };
  const app = express();
  app.disable('x-powered-by');
  // API answers are not cached (each is about a session as it is now): no ETag hashed over every
  // body. The page's files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);

  app.use(markArrival);
  app.use((req, res, next) => {
    const reqId = requestId(req.get('x-request-id'));
    res.setHeader('X-Request-Id', reqId);
    // The request's logger is made when something logs (most requests log nothing below LOG_LEVEL=info).
    let requestLog: typeof log | undefined;
    Object.defineProperty(res.locals, 'log', { enumerable: true, get: () => (requestLog ??= log.child({ reqId })) });
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${req.route.path as string}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (log.isLevelEnabled(level)) (res.locals.log as typeof log)[level]({ method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });
  app.use(securityHeaders());
  app.use(corsPolicy(config.CORS_ORIGINS));
  // Shutting down: only the probes still answer; everything else is told to come back elsewhere.
  app.use((req, res, next) => {
    if (!deps.lifecycle.shuttingDown || req.path === '/health' || req.path === '/ready') return next();
    res.setHeader('Connection', 'close');
    next(new ApiError('shutting_down', 'this instance is shutting down; retry (another instance will answer)', undefined, { 'Retry-After': '1' }));
  });
  // Video uploads have a limit of their own (MAX_VIDEO_BYTES), checked by their route.
  const requestLimit = bodySizeLimit(config.MAX_REQUEST_BYTES);
  app.use((req, res, next) => (req.path === '/analyze-video' ? next() : requestLimit(req, res, next)));
  app.use(express.json({ limit: config.MAX_REQUEST_BYTES }));
  app.use(API_PATHS, identifyClient(config, deps.keys), async (_req, res, next) => {
    try {
      await deps.rates.request(clientOf(res), res);
      next();
    } catch (err) {
      next(err);
    }
  });

  // Busiest first (a private-mode device posts samples every second): Express tries each router in turn.
  app.use(samplesRouter(deps));
  app.use(analyzeRouter(deps));
  app.use(systemRouter(deps));
  app.use(docsRouter(buildOpenApi(config, deps.version)));
  app.use(sessionsRouter(deps));
  app.use(videoRouter(deps));
  app.use(jobsRouter(deps));
  app.use(visionAssetsRouter());
  if (config.WEB_ROOT) app.use(express.static(config.WEB_ROOT, { index: 'index.html' }));

  app.use((req, _res, next) => {
    next(new ApiError('not_found', `no route for ${req.method} ${req.path}`));
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof multer.MulterError) {
      apiError =
        err.code === 'LIMIT_FILE_SIZE'
          ? new ApiError('image_too_large', `an image is larger than ${config.MAX_IMAGE_BYTES} bytes`, [{ field: err.field ?? 'image', message: err.message }])
          : new ApiError('validation_failed', err.message, [{ field: err.field ?? '(multipart)', message: err.message }]);
    } else if (err?.type === 'entity.too.large') {
      apiError = new ApiError('payload_too_large', `request body is larger than ${config.MAX_REQUEST_BYTES} bytes`);
    } else if (err?.type === 'entity.parse.failed') {
      apiError = new ApiError('invalid_json', 'request body is not valid JSON');
    } else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      apiError = new ApiError('unsupported_media_type', String(err.message));
    } else if (isRedisUnavailable(err)) {
      apiError = redisUnavailable();
    } else {
      (res.locals.log ?? log).error({ err }, 'unhandled error');
      apiError = new ApiError('internal', 'an unexpected error occurred; it has been logged');
    }
    for (const [k, v] of Object.entries(apiError.headers)) res.setHeader(k, v);
    res.status(apiError.status).type('application/problem+json').send(JSON.stringify(apiError.toProblem(req.originalUrl)));
  };
  app.use(onError);
  return app;
}
