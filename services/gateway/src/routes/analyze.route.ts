/**
 * POST /analyze-image and POST /analyze-batch, as JSON (base64 images) or multipart/form-data
 * (image files). Images are checked here, analysed by the workers, and answered synchronously,
 * or with a job id when ?async=true.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { requestSchemas, type PayloadOf, type ResultOf } from '@pulsecam/contracts';
import { clientOf } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { limitStreamedBody } from '../hardening.ts';
import { checkBase64Image } from '../image-input.ts';
import { admitFrames, admitWork, reserveWork, type FrameTime, type FramesAdmission } from '../admission.ts';
import { apiErrorFromJob } from '../job-errors.ts';
import { JobTimeoutError } from '../job-waiter.ts';
import { arrivalOf } from '../request-arrival.ts';
import { openSession } from '../session-access.ts';

/** Async jobs may queue this many times deeper than synchronous ones before they are refused. */
const ASYNC_QUEUE_FACTOR = 10;
/** A synchronous job's work reservation lapses by itself this long after its request timed out. */
const SYNC_RESERVATION_SLACK_MS = 60_000;
import { parseOrThrow } from '../validate.ts';
import { AsyncQuery } from './params.ts';

type FramesResult = ResultOf<'frames.analyze'>;
type FrameResult = FramesResult['frames'][number];

/** The /analyze-image answer: the one frame's result with the session estimate. */
export function toAnalyzeResponse(r: FramesResult) {
  const frame = r.frames[0];
  const e = r.estimate;
  const face = frame.face_detected;
  return {
    session_id: r.session_id,
    face_detected: face,
    heart_rate: face ? e.heart_rate : null,
    confidence: face ? e.confidence : 'none',
    pulse_detected: face ? e.pulse_detected : null,
    signal_quality: e.signal_quality,
    buffer_seconds: e.buffer_seconds,
    face_box: frame.face_box,
    regions: frame.regions,
    guidance: [...new Set([...frame.guidance, ...(face ? e.guidance : [])])],
    message: face ? e.message : 'No face detected in the image',
    timestamp: frame.timestamp_ms,
    processing_ms: frame.processing_ms,
    waveform: face ? e.waveform : null,
    hrv: face ? e.hrv : null,
    respiration: face ? e.respiration : null,
  };
}

/** The /analyze-batch answer: per-image results in the order sent, and the session estimate. */
export function toBatchResponse(r: FramesResult) {
  const e = r.estimate;
  const results = r.frames.map((f: FrameResult, index) => ({
    index,
    face_detected: f.face_detected,
    face_box: f.face_box,
    regions: f.regions,
    guidance: f.guidance,
    timestamp: f.timestamp_ms,
    ...(f.error ? { error: f.error.detail } : {}),
  }));
  const faces = results.filter((x) => x.face_detected).length;
  return {
    session_id: r.session_id,
    processed: r.frames.filter((f) => !f.error).length,
    faces_detected: faces,
    results,
    heart_rate: e.heart_rate,
    confidence: e.confidence,
    pulse_detected: e.pulse_detected,
    signal_quality: e.signal_quality,
    buffer_seconds: e.buffer_seconds,
    guidance: e.guidance,
    message: faces === 0 ? 'No face detected in any image of the batch' : e.message,
    waveform: e.waveform,
    hrv: e.hrv,
    respiration: e.respiration,
  };
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

function isAsync(req: Request): boolean {
  const q = parseOrThrow(AsyncQuery, req.query);
  return q.async === 'true' || q.async === '1';
}

/** Multipart fields arrive as strings: timestamps become numbers, files become base64. */
function numberField(value: unknown): number | undefined | unknown {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return typeof value === 'string' && Number.isFinite(n) ? n : value;
}

function multipartImageBody(req: Request): unknown {
  const file = (req.files as Express.Multer.File[] | undefined)?.[0];
  return {
    session_id: req.body?.session_id,
    image_data: file ? file.buffer.toString('base64') : req.body?.image_data,
    timestamp: numberField(req.body?.timestamp),
  };
}

function multipartBatchBody(req: Request): unknown {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  const raw = req.body?.timestamps;
  const list: unknown[] = raw === undefined ? [] : Array.isArray(raw) ? raw : String(raw).split(',');
  return {
    session_id: req.body?.session_id,
    images: files.map((f, i) => ({ image_data: f.buffer.toString('base64'), timestamp: numberField(list[i]) })),
  };
}

export function analyzeRouter(deps: RouteDeps): Router {
  const router = Router();
  const { config, jobs, store, metrics, ledger, rates } = deps;
  const { AnalyzeImageRequest, AnalyzeBatchRequest } = requestSchemas({ maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST });
  const parseMultipart = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.MAX_IMAGE_BYTES, files: config.MAX_BATCH_IMAGES, fields: 8, fieldSize: config.MAX_BATCH_IMAGES * 24 },
  }).any();
  // JSON or multipart only (415 otherwise); a multipart body that cannot be parsed is the client's error (400).
  const upload: RequestHandler = (req, res, next) => {
    if (hasBody(req) && !req.is(['application/json', 'multipart/form-data'])) {
      next(new ApiError('unsupported_media_type', `send application/json or multipart/form-data, not ${req.headers['content-type'] ?? 'no content type'}`));
      return;
    }
    if (multipart(req)) limitStreamedBody(req, config.MAX_REQUEST_BYTES);
    parseMultipart(req, res, (err?: unknown) => {
      if (!err || err instanceof multer.MulterError || (err as { type?: string }).type === 'entity.too.large') return next(err);
      const detail = `malformed multipart body: ${(err as Error).message}`;
      next(new ApiError('validation_failed', detail, [{ field: '(multipart)', message: detail }]));
    });
  };
  const multipart = (req: Request) => Boolean(req.is('multipart/form-data'));

  const clockLimits = { bufferMs: config.BUFFER_SECONDS * 1000, toleranceMs: config.CLOCK_TOLERANCE_MS };
  const queueLimit = (asyncMode: boolean) => (asyncMode ? config.MAX_QUEUED_JOBS * ASYNC_QUEUE_FACTOR : config.MAX_QUEUED_JOBS);

  async function timed<T>(job: string, work: () => Promise<T>): Promise<T> {
    const end = metrics.jobDuration.startTimer({ job });
    try {
      const out = await work();
      end({ outcome: 'completed' });
      return out;
    } catch (err) {
      end({ outcome: 'failed' });
      throw err;
    }
  }

  /**
   * Runs (or, with ?async=true, queues) one frames job for the admitted frames and answers with
   * `reply`'s shape; refused frames are answered in place with their reason, and counted.
   */
  async function submit(res: Response, jobId: string, payload: PayloadOf<'frames.analyze'>, asyncMode: boolean, admission: FramesAdmission): Promise<void> {
    const endpoint = payload.reply === 'image' ? 'analyze-image' : 'analyze-batch';
    metrics.framesSubmitted.inc({ endpoint }, payload.frames.length);
    const refused = admission.refused.length;
    if (asyncMode) {
      await jobs.enqueue('frames.analyze', payload, jobId).catch(async (err) => {
        await ledger.release(jobId).catch(() => undefined);
        throw apiErrorFromJob(err);
      });
      const accepted = { job_id: jobId, status: 'queued' as const, status_url: `/jobs/${jobId}` };
      res
        .status(202)
        .location(accepted.status_url)
        .json(
          payload.reply === 'image'
            ? accepted
            : { ...accepted, session_status_url: `/session/${payload.session_id}/status`, refused, refused_frames: admission.refused.map(({ index, field, message }) => ({ index, field, message })) },
        );
      return;
    }
    let result: FramesResult;
    try {
      result = await timed('frames.analyze', () => jobs.run('frames.analyze', payload, config.JOB_TIMEOUT_MS, jobId));
    } catch (err) {
      // A job withdrawn before it started will never run: its reservation goes now. (A job the
      // workers started finishes, stores its frames once, and the worker releases it.)
      if (!(err instanceof JobTimeoutError) || err.withdrawn) await ledger.release(jobId).catch(() => undefined);
      metrics.framesProcessed.inc({ outcome: 'error' }, payload.frames.length);
      throw apiErrorFromJob(err);
    }
    for (const f of result.frames) metrics.framesProcessed.inc({ outcome: f.error ? 'error' : f.face_detected ? 'face' : 'no_face' });
    if (payload.reply === 'batch') {
      const answer = toBatchResponse(result);
      const results: (typeof answer.results)[number][] = [];
      admission.accepted.forEach((original, k) => (results[original] = { ...answer.results[k], index: original }));
      for (const r of admission.refused) {
        results[r.index] = { index: r.index, face_detected: false, face_box: null, regions: null, guidance: [], timestamp: r.t, error: r.message };
      }
      res.json({ ...answer, results, refused });
      return;
    }
    const failed = result.frames[0].error;
    if (failed) throw new ApiError(failed.code, failed.detail, [{ field: 'image_data', message: failed.detail }]);
    res.json(toAnalyzeResponse(result));
  }

  /**
   * Everything checked before a frames job is queued, cheapest refusal first: the session and its
   * token, the queue depth, the client's frame rate, the session's waiting frames and the queued
   * bytes (a reservation), and last each frame's capture time (which moves the session's timeline).
   */
  async function admit(req: Request, res: Response, sessionId: string, images: string[], times: FrameTime[], asyncMode: boolean): Promise<{ jobId: string; admission: FramesAdmission }> {
    const client = clientOf(res);
    const meta = await openSession(store, sessionId, req, client);
    await admitWork(jobs, queueLimit(asyncMode));
    await rates.frames(client, images.length);
    const jobId = randomUUID();
    const now = Date.now();
    const deadline = now + (asyncMode ? config.ASYNC_RESULT_TTL_SECONDS * 1000 : config.JOB_TIMEOUT_MS + SYNC_RESERVATION_SLACK_MS);
    const bytes = images.reduce((sum, b64) => sum + b64.length, 0);
    await reserveWork(ledger, { jobId, sessionId, frames: images.length, bytes, deadline }, { maxSessionFrames: config.MAX_PENDING_FRAMES_PER_SESSION, maxQueuedBytes: config.MAX_QUEUED_BYTES });
    try {
      return { jobId, admission: await admitFrames(store, meta, times, clockLimits, { now, arrivedAt: arrivalOf(res) }) };
    } catch (err) {
      await ledger.release(jobId).catch(() => undefined);
      throw err;
    }
  }

  router.post('/analyze-image', upload, async (req, res) => {
    const receivedAt = Date.now();
    const asyncMode = isAsync(req);
    const body = parseOrThrow(AnalyzeImageRequest, multipart(req) ? multipartImageBody(req) : req.body);
    const image = checkBase64Image(body.image_data, 'image_data', config.MAX_IMAGE_BYTES);
    const t = body.timestamp ?? receivedAt;
    const { jobId, admission } = await admit(req, res, body.session_id, [image], [{ timestamp: body.timestamp, t, field: 'timestamp' }], asyncMode);
    await submit(res, jobId, { session_id: body.session_id, frames: [{ image_b64: image, timestamp_ms: t }], estimate: 'throttled', reply: 'image' }, asyncMode, admission);
  });

  router.post('/analyze-batch', upload, async (req, res) => {
    const receivedAt = Date.now();
    const asyncMode = isAsync(req);
    const body = parseOrThrow(AnalyzeBatchRequest, multipart(req) ? multipartBatchBody(req) : req.body);
    const images = body.images.map((img, i) => checkBase64Image(img.image_data, `images.${i}.image_data`, config.MAX_IMAGE_BYTES));
    // Frames without a capture time get the receive time, 1 ms apart in the order sent (each frame keeps its own time).
    const times = body.images.map((img, i) => ({ timestamp: img.timestamp, t: img.timestamp ?? receivedAt + i, field: `images.${i}.timestamp` }));
    const { jobId, admission } = await admit(req, res, body.session_id, images, times, asyncMode);
    const frames = admission.accepted.map((i) => ({ image_b64: images[i], timestamp_ms: times[i].t }));
    await submit(res, jobId, { session_id: body.session_id, frames, estimate: 'always', reply: 'batch' }, asyncMode, admission);
  });

  return router;
}
