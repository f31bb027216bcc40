/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { API_RESPONSES, AsyncQuery, JobIdParam, multipartForms, Problem, requestSchemas, SessionIdParam, type ApiRoute } from '@pulsecam/contracts';
import type { GatewayConfig } from '@pulsecam/config';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

export function buildOpenApi(config: GatewayConfig, version: string): object {
  const registry = new OpenAPIRegistry();
  const limits = { maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST };
  const { AnalyzeImageRequest, AnalyzeBatchRequest, SamplesRequest } = requestSchemas(limits);
  const { AnalyzeImageForm, AnalyzeBatchForm, AnalyzeVideoForm } = multipartForms(limits);
  /** A route's documented answer body for `status`, from the contract's one table. */
  const ok = (route: ApiRoute, status: number, description: string) => json((API_RESPONSES[route] as Record<number, z.ZodType>)[status], description);

  const auth = config.AUTH === 'keys';
  registry.registerComponent('securitySchemes', 'sessionToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The session_token from POST /create-session. Missing or wrong: 404 session_not_found, as for an unknown session.',
  });
  if (auth) registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Created with `npm run keys -- create <name>`.' });
  const keyed = auth ? [{ apiKey: [] }] : [];
  /** Calls on one session: its token (and, with API keys, the key that created it). */
  const sessionSecurity = auth ? [{ apiKey: [], sessionToken: [] }] : [{ sessionToken: [] }];
  const limited = {
    429: problem('Rate limit, session quota or the session\'s waiting frames reached (with Retry-After and RateLimit headers)'),
    ...(auth ? { 401: problem('X-API-Key missing or not valid') } : {}),
  };

  registry.registerPath({
    method: 'post', path: '/create-session', tags: ['Sessions'], summary: 'Create an analysis session',
    description: `Answers the session id and its secret token. A client (API key, or address in open mode) holds at most ${config.CLIENT_MAX_SESSIONS} live sessions by default; the service at most ${config.MAX_SESSIONS}.`,
    security: keyed,
    responses: { 201: ok('POST /create-session', 201, 'Session created'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/session/{id}/status', tags: ['Sessions'], summary: 'Session status and current estimate',
    request: { params: SessionIdParam },
    security: sessionSecurity,
    responses: { 200: ok('GET /session/{id}/status', 200, 'Session status'), 404: problem('Unknown or expired session, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'delete', path: '/session/{id}', tags: ['Sessions'], summary: 'Delete a session and its trace',
    request: { params: SessionIdParam },
    security: sessionSecurity,
    responses: { 200: ok('DELETE /session/{id}', 200, 'Deleted'), 404: problem('Unknown or expired session, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/sessions', tags: ['Sessions'], summary: 'List active sessions (ids and times only)',
    description: auth ? "The calling key's sessions (an admin key: all)." : 'Every live session\'s id and times; an id opens nothing without its token.',
    security: keyed,
    responses: { 200: ok('GET /sessions', 200, 'Active sessions'), ...limited },
  });
  registry.registerPath({
    method: 'post', path: '/analyze-image', tags: ['Analysis'], summary: 'Analyse one frame',
    description: `Stores the frame's skin colour in the session trace and answers with the current heart-rate estimate. Images up to ${config.MAX_IMAGE_BYTES} bytes.`,
    request: {
      query: AsyncQuery,
      body: { content: { 'application/json': { schema: AnalyzeImageRequest }, 'multipart/form-data': { schema: AnalyzeImageForm } } },
    },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: ok('POST /analyze-image', 200, 'Frame analysed (a frame with no face is a result, not an error)'),
      202: ok('POST /analyze-image', 202, 'Queued (?async=true)'),
      400: problem('Invalid request, unreadable image, or malformed multipart body'),
      404: problem('Unknown or expired session'),
      413: problem('Image or body too large'),
      415: problem('Neither JSON nor multipart'),
      422: problem('Capture time outside the session timeline (timestamp_out_of_range)'),
      503: problem('Redis unreachable, workers overloaded (queued jobs or image bytes), or shutting down (with Retry-After)'),
      504: problem('Workers did not answer in time (a job no worker had started is withdrawn)'),
    },
  });
  registry.registerPath({
    method: 'post', path: '/analyze-batch', tags: ['Analysis'], summary: 'Analyse several frames',
    description: `Up to ${config.MAX_BATCH_IMAGES} images; send capture timestamps so the frames' spacing is known. The batch is one job, analysed in capture order by one worker that follows the face from frame to frame. With ?async=true the answer is that job's id (GET /jobs/{id} gives the same body as the synchronous answer once it has run).`,
    request: {
      query: AsyncQuery,
      body: { content: { 'application/json': { schema: AnalyzeBatchRequest }, 'multipart/form-data': { schema: AnalyzeBatchForm } } },
    },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: ok('POST /analyze-batch', 200, 'Per-image results and the session estimate'),
      202: ok('POST /analyze-batch', 202, 'Queued (?async=true)'),
      400: problem('Invalid request or malformed multipart body'),
      404: problem('Unknown or expired session'),
      413: problem('Image or body too large'),
      415: problem('Neither JSON nor multipart'),
      422: problem('No frame of the batch fits the session timeline'),
      503: problem('Redis unreachable, workers overloaded (queued jobs or image bytes), or shutting down (with Retry-After)'),
      504: problem('Workers did not answer in time'),
    },
  });
  registry.registerPath({
    method: 'post', path: '/session/{id}/samples', tags: ['Analysis'], summary: 'Add colour samples measured on the device',
    description:
      `For devices that measure the face themselves (no image leaves the device; the web page's private mode): up to ${config.MAX_SAMPLES_PER_REQUEST} samples per request, rich (the observation a worker stores: regions, pose, background, face found) or plain ({timestamp, r, g, b}), stored in the session trace and estimated by the same code as images. Any frame rate from 10 to 60 fps. ` +
      `While the samples sent since the session's newest estimate cover less than ${config.SAMPLES_ESTIMATE_INTERVAL_MS} ms of capture time, a post is answered with that estimate (estimate_age_ms says how old it is) instead of a new one; and while the workers are behind (more than half of ${config.MAX_QUEUED_JOBS} jobs waiting or sessions due for a background estimate), so is a post whose session has an estimate younger than ${config.SAMPLES_MAX_ESTIMATE_AGE_MS} ms, at once (its samples are stored all the same, and a background estimate of the session, sessions with the oldest estimates first, brings it up to date for the next posts). A session with no estimate, or an older one, waits for a fresh one (up to ${config.JOB_TIMEOUT_MS} ms, then 504 with the samples stored), and gets 503 overloaded past the queue limit (jobs and posts already waiting for estimates).`,
    request: { params: SessionIdParam, body: { content: { 'application/json': { schema: SamplesRequest } } } },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: ok('POST /session/{id}/samples', 200, 'Samples stored (each capture time once); the session estimate'),
      400: problem('Invalid samples'),
      404: problem('Unknown or expired session'),
      415: problem('Not JSON'),
      422: problem('No sample fits the session timeline'),
      503: problem('Redis unreachable or workers overloaded (with Retry-After)'),
      504: problem('No fresh estimate within the timeout (the samples are stored; with Retry-After)'),
    },
  });
  registry.registerComponent('securitySchemes', 'jobToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The job_token from POST /analyze-video. Missing or wrong: 404 job_not_found, as for an unknown job.',
  });
  registry.registerPath({
    method: 'post', path: '/analyze-video', tags: ['Analysis'], summary: 'Analyse a video file (heart rate over time)',
    description:
      `A video file (mp4, webm, mov, avi, mkv; up to ${config.MAX_VIDEO_BYTES} bytes and ${config.MAX_VIDEO_SECONDS} s) in the multipart field "video". ` +
      `Answers 202 at once with a job id and a job token; the workers analyse it in segments of ${config.VIDEO_SEGMENT_SECONDS} s in parallel, and GET /jobs/{id} (Bearer job_token) reports progress and then the result: the same JSON as \`pulsecam analyze --json\`. ` +
      `No session is needed. The upload is kept in Redis (not on disk) only while it is analysed, at most ${config.VIDEO_UPLOAD_TTL_SECONDS} s.`,
    request: { body: { content: { 'multipart/form-data': { schema: AnalyzeVideoForm } } } },
    security: keyed,
    responses: {
      ...limited,
      202: ok('POST /analyze-video', 202, 'Queued'),
      400: problem('No file, a malformed multipart body, or not a readable video (invalid_video)'),
      413: problem('Video larger than MAX_VIDEO_BYTES (video_too_large) or longer than MAX_VIDEO_SECONDS (video_too_long)'),
      415: problem('Not multipart/form-data'),
      503: problem('Redis unreachable, too many bytes waiting for the workers, or shutting down (with Retry-After)'),
    },
  });
  registry.registerPath({
    method: 'get', path: '/jobs/{id}', tags: ['Analysis'], summary: 'State and result of an async job',
    description:
      "Frames jobs: readable with the token of the job's session (and its key), while the session lives. Video jobs: readable with the job_token from POST /analyze-video (and its key); they report progress.",
    request: { params: JobIdParam },
    security: auth ? [{ apiKey: [], sessionToken: [] }, { apiKey: [], jobToken: [] }] : [{ sessionToken: [] }, { jobToken: [] }],
    responses: { 200: ok('GET /jobs/{id}', 200, 'Job state'), 404: problem('Unknown or expired job, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/health', tags: ['System'], summary: 'Liveness', responses: { 200: ok('GET /health', 200, 'Alive') },
  });
  registry.registerPath({
    method: 'get', path: '/ready', tags: ['System'], summary: 'Readiness: Redis reachable, a worker alive (heartbeat), not shutting down',
    responses: { 200: ok('GET /ready', 200, 'Ready'), 503: ok('GET /ready', 503, 'Not ready, with the reason') },
  });
  registry.registerPath({
    method: 'get', path: '/status', tags: ['System'], summary: 'Queue, workers, sessions, limits',
    responses: { 200: ok('GET /status', 200, 'System status') },
  });
  registry.registerPath({
    method: 'get', path: '/metrics', tags: ['System'], summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pulsecam API',
      version,
      description: 'Heart rate from a camera pointed at a face (remote photoplethysmography). For research and wellness, not diagnosis.',
    },
    servers: [{ url: '/' }],
  });
}
