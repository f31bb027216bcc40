import type { Logger } from 'pino';
/**
 * A session's frames as one ordered stream: take the session's stream lock, load its tracking
 * state, run the frames through the pipeline in capture order, store every sample, the new
 * tracking state and the frame count in one Redis step, then estimate once for the batch.
 */
import { randomUUID } from 'node:crypto';
import { sessionNotFoundDetail, type PayloadOf, type ResultOf } from '@pulsecam/contracts';
import type { TrackState } from '@pulsecam/vision';
import { savedEstimate, type TraceSample } from '@pulsecam/store';
import { ImageDecodeError, sourceRegions, toSourceBox, type FrameOutcome } from '@pulsecam/analysis';
import type { Handler, HandlerContext } from './context.ts';
import { permanentFailure, StreamBusyError } from './errors.ts';
import { estimateAndKeep } from '../session-estimate.ts';

type FrameResult = ResultOf<'frames.analyze'>['frames'][number];

/**
 * The stream lock lapses this long after its holder last renewed it (it renews every second while
 * it works): a dead worker blocks its session's next batches for at most this long.
 */
const LOCK_TTL_MS = 5_000;
const LOCK_RENEW_MS = 1_000;

function frameResult(timestampMs: number, outcome: FrameOutcome, processingMs: number): FrameResult {
  const face = outcome.observation.face;
  return {
    timestamp_ms: timestampMs,
    face_detected: face !== null,
    faces_in_view: outcome.observation.faces,
    face_box: face ? toSourceBox(face.box, outcome.source.scale) : null,
    regions: face ? sourceRegions(face.polygons, outcome.source.scale) : null,
    guidance: outcome.observation.guidance,
    image: { width: outcome.source.width, height: outcome.source.height },
    processing_ms: Math.round(processingMs * 10) / 10,
  };
}

function errorResult(timestampMs: number, err: ImageDecodeError): FrameResult {
  return {
    timestamp_ms: timestampMs,
    face_detected: false,
    faces_in_view: 0,
    face_box: null,
    regions: null,
    guidance: [],
    image: null,
    processing_ms: 0,
    error: { code: err.code, detail: err.message },
  };
}

async function analyze(payload: PayloadOf<'frames.analyze'>, ctx: HandlerContext, renewLock: () => Promise<void>, log: Logger): Promise<ResultOf<'frames.analyze'>> {
  const started = performance.now();
  const id = payload.session_id;
  const meta = await ctx.store.meta(id);
  if (!meta) throw permanentFailure('session_not_found', sessionNotFoundDetail(id));

  // Capture order, whatever order the frames were sent in; results go back in the sent order.
  const order = payload.frames.map((_, i) => i).sort((a, b) => payload.frames[a].timestamp_ms - payload.frames[b].timestamp_ms);
  const results = new Array<FrameResult>(payload.frames.length);
  const samples: TraceSample[] = [];
  const noFaceTimes: number[] = [];
  let state = (meta.track as TrackState | null) ?? null;
  let box: FrameResult['face_box'] = null;
  for (const index of order) {
    const frame = payload.frames[index];
    await renewLock();
    const frameStart = performance.now();
    let outcome: FrameOutcome;
    try {
      outcome = await ctx.pipeline.process(Buffer.from(frame.image_b64, 'base64'), frame.timestamp_ms, state);
    } catch (err) {
      if (!(err instanceof ImageDecodeError)) throw err;
      ctx.metrics.frames.inc({ outcome: 'error' });
      log.info({ frame: index, reason: err.message, decoder: err.decoderDetail }, 'frame refused');
      results[index] = errorResult(frame.timestamp_ms, err);
      continue;
    }
    state = outcome.state;
    ctx.metrics.stageDuration.observe({ stage: 'decode' }, outcome.timings.decodeMs / 1000);
    ctx.metrics.stageDuration.observe({ stage: 'vision' }, outcome.timings.visionMs / 1000);
    ctx.metrics.frames.inc({ outcome: outcome.sample ? 'face' : 'no_face' });
    ctx.metrics.framePaths.inc({ path: outcome.observation.path });
    results[index] = frameResult(frame.timestamp_ms, outcome, performance.now() - frameStart);
    if (outcome.sample) samples.push(outcome.sample);
    else noFaceTimes.push(frame.timestamp_ms);
    if (results[index].face_box) box = results[index].face_box;
  }

  const storeStart = performance.now();
  const newestTs = Math.max(...payload.frames.map((f) => f.timestamp_ms));
  const stored = await ctx.store.recordFrames(id, { newestTs, samples, noFaceTimes, box, track: state });
  if (stored === null) throw permanentFailure('session_not_found', `session ${id} expired while its frames were analysed`);
  ctx.metrics.stageDuration.observe({ stage: 'store' }, (performance.now() - storeStart) / 1000);

  const fresh = payload.estimate === 'throttled' && meta.lastEstimateJson !== null && meta.estimatedAt !== null && Date.now() - meta.estimatedAt < ctx.estimateIntervalMs;
  let estimate;
  if (fresh) {
    estimate = savedEstimate(meta) as ResultOf<'frames.analyze'>['estimate'];
  } else {
    estimate = (await estimateAndKeep(ctx, id, Math.max(meta.lastFrameTs ?? -Infinity, newestTs), await ctx.store.timeline(id))).estimate;
  }
  return { session_id: id, frames: results, estimate, processing_ms: Math.round((performance.now() - started) * 10) / 10 };
}

export const framesAnalyzeHandler: Handler<'frames.analyze'> = async (payload, ctx, log) => {
  const token = randomUUID();
  if (!(await ctx.store.lockStream(payload.session_id, token, LOCK_TTL_MS))) {
    throw new StreamBusyError(`session ${payload.session_id} is being analysed by another job`);
  }
  let renewedAt = Date.now();
  const renewLock = async () => {
    if (Date.now() - renewedAt < LOCK_RENEW_MS) return;
    renewedAt = Date.now();
    if (!(await ctx.store.renewStreamLock(payload.session_id, token, LOCK_TTL_MS))) {
      throw new Error(`lost the stream lock of session ${payload.session_id} (this worker stalled for over ${LOCK_TTL_MS} ms)`);
    }
  };
  try {
    const result = await analyze(payload, ctx, renewLock, log);
    log.debug({ frames: payload.frames.length, processingMs: result.processing_ms }, 'frames analysed');
    return result;
  } finally {
    await ctx.store.unlockStream(payload.session_id, token);
  }
};
