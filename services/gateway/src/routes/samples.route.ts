/**
 * POST /session/{id}/samples: colour traces measured on the device (no image leaves it). The
 * samples go into the same session trace as image frames and are estimated by the same code.
 */
import { Router } from 'express';
import { requestSchemas } from '@pulsecam/contracts';
import type { TraceSample } from '@pulsecam/store';
import type { GatewayDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { apiErrorFromJob } from '../job-errors.ts';
import { parseOrThrow } from '../validate.ts';
import { SessionIdParam } from './params.ts';

export function samplesRouter(deps: GatewayDeps): Router {
  const router = Router();
  const { config, store, jobs, metrics } = deps;
  const { SamplesRequest } = requestSchemas({ maxBatchImages: config.MAX_BATCH_IMAGES, maxSamples: config.MAX_SAMPLES_PER_REQUEST });

  router.post('/session/:id/samples', async (req, res) => {
    const { id } = parseOrThrow(SessionIdParam, req.params);
    const body = parseOrThrow(SamplesRequest, req.body);
    const samples: TraceSample[] = body.samples.map((s) => ({ t: s.timestamp, skin: [s.r, s.g, s.b] }));
    if (!(await store.recordSamples(id, samples))) {
      throw new ApiError('session_not_found', `session ${id} does not exist or has expired`);
    }
    metrics.framesSubmitted.inc({ endpoint: 'samples' }, samples.length);
    try {
      const estimate = await jobs.run('session.estimate', { session_id: id }, config.JOB_TIMEOUT_MS);
      res.json({ session_id: id, accepted: samples.length, ...estimate });
    } catch (err) {
      throw apiErrorFromJob(err);
    }
  });
  return router;
}
