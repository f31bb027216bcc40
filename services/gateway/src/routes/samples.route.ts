/**
 * POST /session/{id}/samples: colour traces measured on the device (no image leaves it), plain
 * (mean RGB) or rich (the observation a worker makes of a frame: regions, pose, background, face
 * found or not). They go into the same session trace as image frames and are estimated by the
 * same code; each capture time is stored once, and samples outside the session's timeline are
 * refused.
 */
import { Router } from 'express';
import { requestSchemas, traceSampleOfRich } from '@pulsecam/contracts';
import type { TraceSample } from '@pulsecam/store';
import { admitFrames, planSamplesEstimate, sessionNotFound } from '../admission.ts';
import { clientOf } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { EstimateFailedError, EstimateSessionGoneError, EstimateTimeoutError } from '../estimate-waiter.ts';
import { arrivalOf } from '../request-arrival.ts';
import { openSession } from '../session-access.ts';
import { parseJsonOrThrow, parseOrThrow } from '../validate.ts';
import { SessionIdParam } from './params.ts';

/**
 * The answer to a post, the session's saved estimate (JSON text, as the worker wrote it) and its
 * age, as one JSON object: the text `JSON.stringify({ ...answer, ...estimate, estimate_age_ms })`
 * would give, without parsing and re-serialising the estimate for every post (their keys differ).
 */
export function withSavedEstimate(answer: object, estimateJson: string, ageMs: number): string {
  const head = JSON.stringify(answer);
  const fields = estimateJson.trim().slice(1, -1).trim();
  return `${head.slice(0, -1)}${fields ? `,${fields}` : ''},"estimate_age_ms":${ageMs}}`;
}

/**
 * What a post is told when the fresh estimate it waited for did not come (its samples are stored
 * either way); other errors (Redis unreachable while marking) go to the app's error handler as they are.
 */
function apiErrorFromEstimate(err: unknown, sessionId: string, log: RouteDeps['log']): unknown {
  if (err instanceof EstimateTimeoutError) {
    return new ApiError('timeout', 'the workers did not make the estimate in time; the samples are stored, and the next post is answered with the estimate made meanwhile', undefined, { 'Retry-After': '1' });
  }
  if (err instanceof EstimateSessionGoneError) return sessionNotFound(sessionId);
  if (err instanceof EstimateFailedError) {
    log.error({ sessionId, reason: err.message }, 'the estimate a samples post waited for failed');
    return new ApiError('internal', 'the estimate failed; it has been logged');
  }
  return err;
}

export function samplesRouter(deps: RouteDeps): Router {
  const router = Router();
  const { config, store, jobs, metrics, rates, dueEstimates, estimates } = deps;
  const { SamplesRequest } = requestSchemas({ maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST });
  const clockLimits = { bufferMs: config.BUFFER_SECONDS * 1000, toleranceMs: config.CLOCK_TOLERANCE_MS };
  const estimateLimits = { intervalMs: config.SAMPLES_ESTIMATE_INTERVAL_MS, maxAgeMs: config.SAMPLES_MAX_ESTIMATE_AGE_MS, maxQueuedJobs: config.MAX_QUEUED_JOBS };

  const backlog = { waiting: jobs.waiting, due: dueEstimates.counts };

  /**
   * Marks the session due for a background estimate, for its next posts (once, however often it
   * posts). The samples are stored already and the post is answered either way: a failure to mark
   * it only leaves the estimate as old as it is, so it is logged, not answered. True when marked now.
   */
  const markDue = async (sessionId: string, estimatedAt: number): Promise<boolean> => {
    try {
      return await dueEstimates.mark(sessionId, estimatedAt);
    } catch (err) {
      deps.log.warn({ err, sessionId }, 'could not mark the session due for a background estimate');
      return false;
    }
  };

  router.post('/session/:id/samples', async (req, res) => {
    const { id } = parseOrThrow(SessionIdParam, req.params);
    if (!req.is('application/json')) throw new ApiError('unsupported_media_type', `send application/json, not ${req.headers['content-type'] ?? 'no content type'}`);
    const body = parseJsonOrThrow(SamplesRequest, req.body);
    const times = body.samples.map((s, i) => ({ timestamp: s.timestamp, t: s.timestamp, field: `samples.${i}.timestamp` }));
    const client = clientOf(res);
    const meta = await openSession(store, id, req, client);
    // A fresh estimate every SAMPLES_ESTIMATE_INTERVAL_MS of capture time: a device posting every
    // second gets one every other post, a client sending a recording in bigger pieces one every
    // time. While the workers are behind, a young estimate is reused first (planSamplesEstimate).
    // Overload and rate first: a refused request must not move the session's timeline on.
    const newestSent = Math.max(...body.samples.map((s) => s.timestamp));
    const now = Date.now();
    const plan = await planSamplesEstimate(backlog, meta, newestSent, estimateLimits, now);
    await rates.frames(client, body.samples.length);
    const arrivedAt = arrivalOf(res);
    const admission = await admitFrames(store, meta, times, clockLimits, { storedAtOnce: true, arrivedAt });
    const samples: TraceSample[] = [];
    const noFaceTimes: number[] = [];
    for (const i of admission.accepted) {
      const s = body.samples[i];
      const trace = 'r' in s ? { t: s.timestamp, skin: [s.r, s.g, s.b] as TraceSample['skin'] } : traceSampleOfRich(s);
      if (trace) samples.push(trace);
      else noFaceTimes.push(s.timestamp);
    }
    const stored = await store.recordSamples(id, samples, noFaceTimes, arrivedAt);
    if (stored === null) throw sessionNotFound(id);
    metrics.framesSubmitted.inc({ endpoint: 'samples' }, samples.length);
    const answer = { session_id: id, accepted: admission.accepted.length, stored, refused: admission.refused.map(({ field, message }) => ({ field, message })) };
    if (plan !== 'fresh') {
      if (plan !== 'reuse') {
        const marked = plan === 'refresh' && (await markDue(id, meta.estimatedAt!));
        metrics.estimatesDeferred.inc({ refresh: marked ? 'queued' : 'not_queued' });
      }
      const age = meta.estimatedAt !== null ? now - meta.estimatedAt : 0;
      res.type('application/json').send(withSavedEstimate(answer, meta.lastEstimateJson!, Math.max(1, Math.round(age))));
      return;
    }
    // A fresh estimate: the session marked ahead of the background marks, answered when a worker has made it.
    let estimateJson: string;
    try {
      estimateJson = await estimates.estimate(id, () => dueEstimates.markWaited(id), config.JOB_TIMEOUT_MS);
    } catch (err) {
      throw apiErrorFromEstimate(err, id, deps.log);
    }
    res.type('application/json').send(withSavedEstimate(answer, estimateJson, 0));
  });
  return router;
}
