import { Router } from 'express';
import { jobs as catalog, type JobName, type ResultOf } from '@pulsecam/contracts';
import { clientOf } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseJobFailure } from '../job-errors.ts';
import { mayOpen } from '../session-access.ts';
import { parseOrThrow } from '../validate.ts';
import { toAnalyzeResponse, toBatchResponse } from './analyze.route.ts';

/** An async frames job answers as the endpoint that queued it would have. */
function replyFor(reply: unknown, result: ResultOf<'frames.analyze'>) {
  return reply === 'image' ? toAnalyzeResponse(result) : toBatchResponse(result);
}
import { JobIdParam } from './params.ts';

const STATES = new Set(['waiting', 'active', 'completed', 'failed', 'delayed']);

export function jobsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/jobs/:id', async (req, res) => {
    const { id } = parseOrThrow(JobIdParam, req.params);
    const notFound = () => new ApiError('job_not_found', `job ${id} does not exist or its result has expired`);
    // State first, then the job: a job read before it completed would carry no result yet.
    const raw = await deps.jobs.queue.getJobState(id);
    const job = await deps.jobs.queue.getJob(id);
    if (!job || raw === 'unknown') throw notFound();
    // A job is its session's: readable with that session's token (and key), while the session lives.
    const sessionId = typeof job.data?.session_id === 'string' ? job.data.session_id : null;
    const meta = sessionId ? await deps.store.meta(sessionId) : null;
    if (!meta || !mayOpen(meta, req, clientOf(res))) throw notFound();
    const state = STATES.has(raw) ? raw : raw === 'waiting-children' || raw === 'prioritized' ? 'waiting' : 'unknown';
    const body: Record<string, unknown> = { job_id: id, state };
    if (state === 'completed') {
      const name = job.name as JobName;
      const parsed = catalog[name]?.result.safeParse(job.returnvalue);
      if (parsed?.success) body.result = name === 'frames.analyze' ? replyFor(job.data?.reply, parsed.data as ResultOf<'frames.analyze'>) : parsed.data;
    }
    if (state === 'failed') body.error = parseJobFailure(job.failedReason ?? 'failed').detail;
    res.json(body);
  });
  return router;
}
