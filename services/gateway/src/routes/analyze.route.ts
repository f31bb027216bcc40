/**
 * POST /analyze-image and POST /analyze-batch, as JSON (base64 images) or multipart/form-data
 * (image files). Images are checked here, analysed by the workers, and answered synchronously,
 * or with a job id when ?async=true.
 */
import { Router, type Request } from 'express';
import multer from 'multer';
import { requestSchemas, type Estimate, type ResultOf } from '@pulsecam/contracts';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { checkBase64Image } from '../image-input.ts';
import { apiErrorFromJob } from '../job-errors.ts';
import { parseOrThrow } from '../validate.ts';
import { AsyncQuery } from './params.ts';

type FrameResult = ResultOf<'frame.analyze'>;

export function toAnalyzeResponse(r: FrameResult) {
  const e = r.estimate;
  const message = !r.face_detected ? 'No face detected in the image' : (e?.message ?? 'Frame stored');
  return {
    session_id: r.session_id,
    face_detected: r.face_detected,
    heart_rate: r.face_detected ? (e?.heart_rate ?? null) : null,
    confidence: r.face_detected ? (e?.confidence ?? 'none') : 'none',
    signal_quality: e?.signal_quality ?? 0,
    buffer_seconds: e?.buffer_seconds ?? 0,
    face_box: r.face_box,
    regions: r.regions,
    guidance: [...new Set([...r.guidance, ...(r.face_detected ? (e?.guidance ?? []) : [])])],
    message,
    timestamp: r.timestamp_ms,
    processing_ms: r.processing_ms,
    waveform: r.face_detected ? (e?.waveform ?? null) : null,
    hrv: r.face_detected ? (e?.hrv ?? null) : null,
    respiration: r.face_detected ? (e?.respiration ?? null) : null,
  };
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

export function analyzeRouter(deps: GatewayDeps): Router {
  const router = Router();
  const { config, jobs, store, metrics } = deps;
  const { AnalyzeImageRequest, AnalyzeBatchRequest } = requestSchemas({ maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST });
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.MAX_IMAGE_BYTES, files: config.MAX_BATCH_IMAGES, fields: 8, fieldSize: config.MAX_BATCH_IMAGES * 24 },
  }).any();
  const multipart = (req: Request) => Boolean(req.is('multipart/form-data'));

  async function requireSession(id: string): Promise<void> {
    if (!(await store.exists(id))) {
      throw new ApiError('session_not_found', `session ${id} does not exist or has expired`, [
        { field: 'session_id', message: 'unknown or expired session: create one with POST /create-session' },
      ]);
    }
  }

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

  router.post('/analyze-image', upload, async (req, res) => {
    const receivedAt = Date.now();
    const asyncMode = isAsync(req);
    const body = parseOrThrow(AnalyzeImageRequest, multipart(req) ? multipartImageBody(req) : req.body);
    const image = checkBase64Image(body.image_data, 'image_data', config.MAX_IMAGE_BYTES);
    await requireSession(body.session_id);
    const payload = { session_id: body.session_id, image_b64: image, timestamp_ms: body.timestamp ?? receivedAt, estimate: true };
    metrics.framesSubmitted.inc({ endpoint: 'analyze-image' });
    if (asyncMode) {
      const jobId = await jobs.enqueue('frame.analyze', payload).catch((err) => {
        throw apiErrorFromJob(err);
      });
      res.status(202).location(`/jobs/${jobId}`).json({ job_id: jobId, status: 'queued', status_url: `/jobs/${jobId}` });
      return;
    }
    let result: FrameResult;
    try {
      result = await timed('frame.analyze', () => jobs.run('frame.analyze', payload, config.JOB_TIMEOUT_MS));
    } catch (err) {
      metrics.framesProcessed.inc({ outcome: 'error' });
      throw apiErrorFromJob(err);
    }
    metrics.framesProcessed.inc({ outcome: result.face_detected ? 'face' : 'no_face' });
    res.json(toAnalyzeResponse(result));
  });

  router.post('/analyze-batch', upload, async (req, res) => {
    const receivedAt = Date.now();
    const asyncMode = isAsync(req);
    const body = parseOrThrow(AnalyzeBatchRequest, multipart(req) ? multipartBatchBody(req) : req.body);
    const images = body.images.map((img, i) => checkBase64Image(img.image_data, `images.${i}.image_data`, config.MAX_IMAGE_BYTES));
    await requireSession(body.session_id);
    const payloads = body.images.map((img, i) => ({
      session_id: body.session_id,
      image_b64: images[i],
      timestamp_ms: img.timestamp ?? receivedAt,
      estimate: asyncMode,
    }));
    metrics.framesSubmitted.inc({ endpoint: 'analyze-batch' }, payloads.length);
    if (asyncMode) {
      const ids = await Promise.all(payloads.map((p) => jobs.enqueue('frame.analyze', p))).catch((err) => {
        throw apiErrorFromJob(err);
      });
      res.status(202).json({ job_ids: ids, status: 'queued', status_urls: ids.map((id) => `/jobs/${id}`), session_status_url: `/session/${body.session_id}/status` });
      return;
    }
    const settled = await Promise.allSettled(
      payloads.map((p) => timed('frame.analyze', () => jobs.run('frame.analyze', p, config.JOB_TIMEOUT_MS))),
    );
    const results = settled.map((s, index) => {
      if (s.status === 'fulfilled') {
        metrics.framesProcessed.inc({ outcome: s.value.face_detected ? 'face' : 'no_face' });
        return {
          index,
          face_detected: s.value.face_detected,
          face_box: s.value.face_box,
          regions: s.value.regions,
          guidance: s.value.guidance,
          timestamp: s.value.timestamp_ms,
        };
      }
      metrics.framesProcessed.inc({ outcome: 'error' });
      const apiError = apiErrorFromJob(s.reason, `images.${index}.image_data`);
      if (apiError.code === 'session_not_found' || apiError.code === 'unavailable') throw apiError;
      return { index, face_detected: false, face_box: null, regions: null, guidance: [], timestamp: payloads[index].timestamp_ms, error: apiError.detail };
    });
    let estimate: Estimate;
    try {
      estimate = await timed('session.estimate', () => jobs.run('session.estimate', { session_id: body.session_id }, config.JOB_TIMEOUT_MS));
    } catch (err) {
      throw apiErrorFromJob(err);
    }
    const faces = results.filter((r) => r.face_detected).length;
    res.json({
      session_id: body.session_id,
      processed: results.filter((r) => !('error' in r)).length,
      faces_detected: faces,
      results,
      heart_rate: estimate.heart_rate,
      confidence: estimate.confidence,
      signal_quality: estimate.signal_quality,
      buffer_seconds: estimate.buffer_seconds,
      guidance: estimate.guidance,
      message: faces === 0 ? 'No face detected in any image of the batch' : estimate.message,
      waveform: estimate.waveform,
      hrv: estimate.hrv,
      respiration: estimate.respiration,
    });
  });

  return router;
}
