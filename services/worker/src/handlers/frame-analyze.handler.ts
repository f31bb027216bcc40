import { estimateSession } from '../estimate-session.ts';
import { ImageDecodeError } from '../decode.ts';
import { sourceRegions, toSourceBox } from '../pipeline.ts';
import type { Handler } from './context.ts';
import { permanentFailure } from './errors.ts';

export const frameAnalyzeHandler: Handler<'frame.analyze'> = async (payload, ctx, log) => {
  const started = performance.now();
  const meta = await ctx.store.meta(payload.session_id);
  if (!meta) throw permanentFailure('session_not_found', `session ${payload.session_id} does not exist or has expired`);

  let outcome;
  try {
    outcome = await ctx.pipeline.process(Buffer.from(payload.image_b64, 'base64'), payload.timestamp_ms, meta.lastBox);
  } catch (err) {
    if (err instanceof ImageDecodeError) {
      ctx.metrics.frames.inc({ outcome: 'error' });
      throw permanentFailure(err.code, err.message);
    }
    throw err;
  }
  ctx.metrics.stageDuration.observe({ stage: 'decode' }, outcome.timings.decodeMs / 1000);
  ctx.metrics.stageDuration.observe({ stage: 'vision' }, outcome.timings.visionMs / 1000);

  const face = outcome.observation.face;
  const box = face ? toSourceBox(face.box, outcome.source.scale) : null;
  const storeStart = performance.now();
  const recorded = await ctx.store.recordFrame(payload.session_id, payload.timestamp_ms, outcome.sample, box);
  if (!recorded) throw permanentFailure('session_not_found', `session ${payload.session_id} expired while the frame was processed`);
  ctx.metrics.stageDuration.observe({ stage: 'store' }, (performance.now() - storeStart) / 1000);
  ctx.metrics.frames.inc({ outcome: outcome.sample ? 'face' : 'no_face' });

  let estimate = null;
  if (payload.estimate) {
    const estimateStart = performance.now();
    const trace = await ctx.store.trace(payload.session_id);
    estimate = estimateSession(trace, Math.max(meta.lastFrameTs ?? -Infinity, payload.timestamp_ms), ctx.estimate);
    await ctx.store.saveEstimate(payload.session_id, estimate);
    ctx.metrics.stageDuration.observe({ stage: 'estimate' }, (performance.now() - estimateStart) / 1000);
  }
  const processingMs = Math.round((performance.now() - started) * 10) / 10;
  log.debug({ face: Boolean(face), processingMs, ...outcome.timings }, 'frame analysed');
  return {
    session_id: payload.session_id,
    timestamp_ms: payload.timestamp_ms,
    face_detected: face !== null,
    faces_in_view: outcome.observation.faces,
    face_box: box,
    regions: face ? sourceRegions(face.polygons, outcome.source.scale) : null,
    guidance: outcome.observation.guidance,
    image: { width: outcome.source.width, height: outcome.source.height },
    processing_ms: processingMs,
    estimate,
  };
};
