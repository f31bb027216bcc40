/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AnalyzeBatchResponse,
  AnalyzeImageResponse,
  CreateSessionResponse,
  DeleteSessionResponse,
  HealthResponse,
  BatchAccepted,
  JobAccepted,
  JobStatus,
  VideoAccepted,
  VideoJobStatus,
  Problem,
  ReadyResponse,
  requestSchemas,
  SamplesResponse,
  SessionId,
  SessionList,
  SessionStatus,
  StatusResponse,
} from '@pulsecam/contracts';
import type { GatewayConfig } from '@pulsecam/config';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: Problem } } });

export function buildOpenApi(config: GatewayConfig, version: string): object {
  const registry = new OpenAPIRegistry();
  const { AnalyzeImageRequest, AnalyzeBatchRequest, SamplesRequest } = requestSchemas({ maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST });
  const idParams = z.object({ id: SessionId });
  const asyncQuery = z.object({
    async: z.enum(['true', 'false']).optional().meta({ description: 'true: answer 202 with a job id instead of waiting.' }),
  });
  const multipartImage = z.object({
    session_id: SessionId,
    image: z.string().meta({ format: 'binary', description: 'JPEG, PNG or WebP file' }),
    timestamp: z.number().optional(),
  });
  const multipartBatch = z.object({
    session_id: SessionId,
    images: z.array(z.string().meta({ format: 'binary' })),
    timestamps: z.string().optional().meta({ description: 'Comma-separated capture times (ms), one per image, in order.' }),
  });

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
    responses: { 201: json(CreateSessionResponse, 'Session created'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/session/{id}/status', tags: ['Sessions'], summary: 'Session status and current estimate',
    request: { params: idParams },
    security: sessionSecurity,
    responses: { 200: json(SessionStatus, 'Session status'), 404: problem('Unknown or expired session, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'delete', path: '/session/{id}', tags: ['Sessions'], summary: 'Delete a session and its trace',
    request: { params: idParams },
    security: sessionSecurity,
    responses: { 200: json(DeleteSessionResponse, 'Deleted'), 404: problem('Unknown or expired session, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/sessions', tags: ['Sessions'], summary: 'List active sessions (ids and times only)',
    description: auth ? "The calling key's sessions (an admin key: all)." : 'Every live session\'s id and times; an id opens nothing without its token.',
    security: keyed,
    responses: { 200: json(SessionList, 'Active sessions'), ...limited },
  });
  registry.registerPath({
    method: 'post', path: '/analyze-image', tags: ['Analysis'], summary: 'Analyse one frame',
    description: `Stores the frame's skin colour in the session trace and answers with the current heart-rate estimate. Images up to ${config.MAX_IMAGE_BYTES} bytes.`,
    request: {
      query: asyncQuery,
      body: { content: { 'application/json': { schema: AnalyzeImageRequest }, 'multipart/form-data': { schema: multipartImage } } },
    },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: json(AnalyzeImageResponse, 'Frame analysed (a frame with no face is a result, not an error)'),
      202: json(JobAccepted, 'Queued (?async=true)'),
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
      query: asyncQuery,
      body: { content: { 'application/json': { schema: AnalyzeBatchRequest }, 'multipart/form-data': { schema: multipartBatch } } },
    },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: json(AnalyzeBatchResponse, 'Per-image results and the session estimate'),
      202: json(BatchAccepted, 'Queued (?async=true)'),
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
    description: `For clients that extract the mean skin colour themselves (no image leaves the device): up to ${config.MAX_SAMPLES_PER_REQUEST} samples of {timestamp, r, g, b} per request, stored in the session trace and estimated by the same code as images. Any frame rate from 10 to 60 fps.`,
    request: { params: idParams, body: { content: { 'application/json': { schema: SamplesRequest } } } },
    security: sessionSecurity,
    responses: {
      ...limited,
      200: json(SamplesResponse, 'Samples stored (each capture time once); the session estimate'),
      400: problem('Invalid samples'),
      404: problem('Unknown or expired session'),
      415: problem('Not JSON'),
      422: problem('No sample fits the session timeline'),
      503: problem('Redis unreachable or workers overloaded (with Retry-After)'),
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
    request: { body: { content: { 'multipart/form-data': { schema: z.object({ video: z.string().meta({ format: 'binary', description: 'The video file' }) }) } } } },
    security: keyed,
    responses: {
      ...limited,
      202: json(VideoAccepted, 'Queued'),
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
    request: { params: z.object({ id: z.string().uuid() }) },
    security: auth ? [{ apiKey: [], sessionToken: [] }, { apiKey: [], jobToken: [] }] : [{ sessionToken: [] }, { jobToken: [] }],
    responses: { 200: json(z.union([JobStatus, VideoJobStatus]), 'Job state'), 404: problem('Unknown or expired job, or not this token\'s'), ...limited },
  });
  registry.registerPath({
    method: 'get', path: '/health', tags: ['System'], summary: 'Liveness', responses: { 200: json(HealthResponse, 'Alive') },
  });
  registry.registerPath({
    method: 'get', path: '/ready', tags: ['System'], summary: 'Readiness: Redis reachable, a worker alive (heartbeat), not shutting down',
    responses: { 200: json(ReadyResponse, 'Ready'), 503: json(ReadyResponse, 'Not ready, with the reason') },
  });
  registry.registerPath({
    method: 'get', path: '/status', tags: ['System'], summary: 'Queue, workers, sessions, limits',
    responses: { 200: json(StatusResponse, 'System status') },
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
