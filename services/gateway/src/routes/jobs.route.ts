import { Router, type Request } from 'express';
import type { Job } from 'bullmq';
import { secretMatches } from '@pulsecam/store';
import { jobs as catalog, VIDEO_JOB_ERROR_CODES, VideoJobStatus, videoJobs, type JobName, type ResultOf } from '@pulsecam/contracts';
import { clientOf, type Client } from '../client-identity.ts';
import type { RouteDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { parseJobFailure } from '../job-errors.ts';
import { bearerToken, mayOpen } from '../session-access.ts';
import { parseOrThrow } from '../validate.ts';
import { toAnalyzeResponse, toBatchResponse } from './analyze.route.ts';

/** An async frames job answers as the endpoint that queued it would have. */
function replyFor(reply: unknown, result: ResultOf<'frames.analyze'>) {
  return reply === 'image' ? toAnalyzeResponse(result) : toBatchResponse(result);
}
import { JobIdParam } from './params.ts';

const STATES = new Set(['waiting', 'active', 'completed', 'failed', 'delayed']);

/** A video job is read with its job token (and, with API keys, by the key that uploaded it). */
function mayReadVideo(data: { token_hash?: unknown; owner?: unknown }, req: Request, client: Client): boolean {
  if (typeof data.token_hash !== 'string' || !secretMatches(bearerToken(req), data.token_hash)) return false;
  return client.kind === 'address' || client.admin || data.owner === client.id;
}

/** State, progress (frames traced over frames expected) and, when done, the result or the failure. */
async function videoJobBody(deps: RouteDeps, id: string, job: Job, raw: string) {
  const expected = Number(job.data?.frames_expected) || 1;
  // The join job runs (active) only once every segment is done, and clears the progress as it ends.
  const done = raw === 'completed' || raw === 'active' ? expected : Math.min(expected, await deps.videos.store.progress(id));
  const state = raw === 'completed' || raw === 'failed' ? raw : raw === 'active' || done > 0 ? 'active' : 'waiting';
  const body: Record<string, unknown> = {
    job_id: id,
    state,
    progress: { frames_done: done, frames_expected: expected, share: Math.round((done / expected) * 1000) / 1000 },
  };
  if (state === 'completed') {
    const parsed = videoJobs['video.join'].result.safeParse(job.returnvalue);
    if (parsed.success) body.result = parsed.data;
  }
  if (state === 'failed') {
    const failure = parseJobFailure(await deps.videos.failure(job));
    const known = failure.code !== null && (VIDEO_JOB_ERROR_CODES as readonly string[]).includes(failure.code);
    body.error = known ? failure.detail : 'the video could not be analysed';
    body.error_code = known ? failure.code : 'internal';
  }
  return VideoJobStatus.parse(body);
}

export function jobsRouter(deps: RouteDeps): Router {
  const router = Router();
  router.get('/jobs/:id', async (req, res) => {
    const { id } = parseOrThrow(JobIdParam, req.params);
    const notFound = () => new ApiError('job_not_found', `job ${id} does not exist or its result has expired`);
    // State first, then the job: a job read before it completed would carry no result yet.
    const raw = await deps.jobs.queue.getJobState(id);
    const job = raw === 'unknown' ? null : await deps.jobs.queue.getJob(id);
    if (!job) {
      const video = await deps.videos.get(id);
      if (!video || !mayReadVideo(video.job.data, req, clientOf(res))) throw notFound();
      res.json(await videoJobBody(deps, id, video.job, video.state));
      return;
    }
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
