/**
 * What the gateway checks before it queues work: each frame's capture time fits the session's
 * timeline (session-clock.ts); the workers are not so far behind that the request would only
 * wait (queue-depth admission: a fast 503 with Retry-After, not a 504 later); and the work
 * waiting for this session, and image bytes waiting in all, stay within their caps (work ledger).
 */
import { sessionNotFoundDetail } from '@pulsecam/contracts';
import type { DueCounts, SessionMeta, SessionStore, WorkLedger, WorkLimits } from '@pulsecam/store';
import { ApiError, type FieldError } from './errors.ts';
import type { JobQueue } from './job-queue.ts';
import { carriesOn, clockVerdict, type ClockLimits } from './session-clock.ts';

export interface FrameTime {
  /** The capture time the client sent, if any. */
  timestamp?: number;
  /** The time the frame will be stored under (the capture time, or the receive time). */
  t: number;
  /** The request field that carries it, for error messages. */
  field: string;
}

export interface FramesAdmission {
  /** Indexes (in the request) of the frames to analyse. */
  accepted: number[];
  /** Frames refused, with why. */
  refused: (FieldError & { index: number; t: number })[];
}

export function sessionNotFound(id: string): ApiError {
  return new ApiError('session_not_found', sessionNotFoundDetail(id), [
    { field: 'session_id', message: 'unknown or expired session: create one with POST /create-session' },
  ]);
}

export interface AdmitOptions {
  now?: number;
  /** When (server ms) this request arrived (kept with the capture times it moves the timeline to); default `now`. */
  arrivedAt?: number;
  /**
   * The caller stores the accepted frames at once (samples), and storing moves the session's
   * newest frame time itself: no separate note of the admitted time (one Redis step fewer).
   */
  storedAtOnce?: boolean;
}

/** Checks every frame's time against the (opened) session; throws 422 when no frame fits. */
export async function admitFrames(store: SessionStore, meta: SessionMeta, frames: FrameTime[], limits: ClockLimits, options: AdmitOptions = {}): Promise<FramesAdmission> {
  const now = options.now ?? Date.now();
  const sessionId = meta.id;
  const clock = meta.clock ?? (await store.claimClock(sessionId, frames[0].timestamp === undefined ? 'receive' : 'capture'));
  if (!clock) throw sessionNotFound(sessionId);
  // The timeline's newest frame: stored, or accepted and still queued (batches sent faster than
  // real time), with when its request arrived (sessions stored before that was kept: last activity).
  const stored = meta.lastFrameTs === null ? null : { ts: meta.lastFrameTs, arrivedAt: meta.lastFrameArrivedAt ?? meta.lastSeen };
  const admitted = meta.admittedTs === null ? null : { ts: meta.admittedTs, arrivedAt: meta.admittedArrivedAt ?? meta.lastSeen };
  // On a tie the admission's arrival is the one to go by (a worker stores frames after they waited).
  const newest = !stored || (admitted && admitted.ts >= stored.ts) ? admitted : stored;
  const verdicts = frames.map((frame) => clockVerdict({ clock, newest }, frame, now, limits));
  // A request wholly ahead of the timeline is accepted when it carries on from the last one that
  // was (session-clock.ts); otherwise it is remembered, for the next.
  const wholeAhead = verdicts.every((why) => why?.ahead);
  const previous = meta.aheadTs === null || meta.aheadArrivedAt === null ? null : { ts: meta.aheadTs, arrivedAt: meta.aheadArrivedAt };
  const carried = wholeAhead && previous !== null && frames.every((frame) => carriesOn(previous, frame.t, now, limits));
  if (wholeAhead && !carried) await store.noteAhead(sessionId, Math.max(...frames.map((f) => f.t)), options.arrivedAt ?? now);
  const admission: FramesAdmission = { accepted: [], refused: [] };
  frames.forEach((frame, index) => {
    const why = carried ? null : verdicts[index];
    if (why) admission.refused.push({ index, t: frame.t, field: frame.field, message: why.message });
    else admission.accepted.push(index);
  });
  if (admission.accepted.length === 0) {
    throw new ApiError('timestamp_out_of_range', admission.refused[0].message, admission.refused.map(({ field, message }) => ({ field, message })));
  }
  if (!options.storedAtOnce) await store.noteAdmitted(sessionId, Math.max(...admission.accepted.map((i) => frames[i].t)), options.arrivedAt ?? now);
  return admission;
}

/**
 * How a samples post is answered: `fresh`, a new estimate made for it (a job it waits for);
 * otherwise the session's newest estimate, with (`refresh`: the session is marked due) or
 * without (`reuse`, `defer`) a background estimate that brings it up to date for the posts that
 * follow.
 */
export type SamplesEstimate = 'fresh' | 'reuse' | 'refresh' | 'defer';

export interface SamplesEstimateLimits {
  /** SAMPLES_ESTIMATE_INTERVAL_MS: capture time the samples since the newest estimate must cover to need a new one. */
  intervalMs: number;
  /** SAMPLES_MAX_ESTIMATE_AGE_MS: the oldest estimate a post is answered with while the workers are behind. */
  maxAgeMs: number;
  /** MAX_QUEUED_JOBS. */
  maxQueuedJobs: number;
}

/** How far behind the workers are: what the samples policy reads (shared readings, see JobQueue.waiting and DueEstimates.counts). */
export interface Backlog {
  /** Jobs waiting for a worker. */
  waiting(): Promise<number>;
  /** Sessions marked due, not yet taken by a worker, and how many of them posts wait for. */
  due(): Promise<DueCounts>;
}

/**
 * Whether a samples post gets a fresh estimate. `reuse`: the samples sent since the session's
 * newest estimate cover less than the interval (no mark, no reading). Otherwise the backlog
 * decides. While it is at most half the queue limit (jobs waiting plus sessions due), the post
 * waits for a fresh estimate (`fresh`: its session marked ahead of the background marks). While
 * it is larger, a session whose estimate is younger than the age limit is answered with it at
 * once (`defer`), and once the estimate is half that age the session is marked due (`refresh`):
 * the workers renew due sessions oldest estimate first (DueEstimates), so under load nobody waits
 * for the workers and each session is estimated about as often as the age limit needs. A session
 * with no estimate, or an older one, waits for a fresh one; past the queue limit (jobs and
 * waited-for estimates) it gets a fast 503.
 */
export async function planSamplesEstimate(
  backlog: Backlog,
  meta: Pick<SessionMeta, 'lastEstimateJson' | 'estimatedThroughTs' | 'estimatedAt'>,
  newestSent: number,
  limits: SamplesEstimateLimits,
  now = Date.now(),
): Promise<SamplesEstimate> {
  const hasEstimate = meta.lastEstimateJson !== null && meta.estimatedThroughTs !== null;
  if (hasEstimate && newestSent - meta.estimatedThroughTs! < limits.intervalMs) return 'reuse';
  const [waiting, due] = await Promise.all([backlog.waiting(), backlog.due()]);
  const young = hasEstimate && meta.estimatedAt !== null && now - meta.estimatedAt < limits.maxAgeMs;
  if (young && waiting + due.marked > limits.maxQueuedJobs / 2) {
    // Due once half its allowed age has passed: renewed before it is too old to give, and the
    // estimates the workers make under load are the ones needed.
    return now - meta.estimatedAt! >= limits.maxAgeMs / 2 ? 'refresh' : 'defer';
  }
  refuseIfOverloaded(waiting + due.waited, limits.maxQueuedJobs, 'jobs and estimates');
  return 'fresh';
}

function refuseIfOverloaded(waiting: number, limit: number, what = 'jobs'): void {
  if (waiting > limit) {
    throw new ApiError('overloaded', `${waiting} ${what} are waiting for the workers (limit ${limit}); retry in a moment`, undefined, { 'Retry-After': '1' });
  }
}

/** Refuses new work while more than `limit` jobs wait for a worker. */
export async function admitWork(jobs: JobQueue, limit: number): Promise<void> {
  refuseIfOverloaded(await jobs.waiting(), limit);
}

/**
 * Reserves a job's place in the work ledger: 429 when the session already has too many frames
 * waiting, 503 when too many image bytes wait in all. The caller releases the reservation if it
 * does not queue the job after all.
 */
export async function reserveWork(ledger: WorkLedger, job: { jobId: string; sessionId: string; frames: number; bytes: number; deadline: number }, limits: WorkLimits): Promise<void> {
  const verdict = await ledger.reserve(job, limits);
  if (verdict.ok) return;
  if (verdict.limit === 'session_frames') {
    throw new ApiError(
      'too_many_pending_frames',
      `${verdict.current} frames of this session are still waiting for the workers (limit ${limits.maxSessionFrames}); send more when they are answered`,
      undefined,
      { 'Retry-After': '1' },
    );
  }
  throw new ApiError('overloaded', `${Math.round(verdict.current / 1e6)} MB of images are waiting for the workers (limit ${Math.round(limits.maxQueuedBytes / 1e6)} MB); retry in a moment`, undefined, {
    'Retry-After': '2',
  });
}
