/**
 * What the gateway checks before it queues work: the session exists and each frame's capture
 * time fits its timeline (session-clock.ts), and the workers are not so far behind that the
 * request would only wait (queue-depth admission: a fast 503 with Retry-After, not a 504 later).
 */
import type { SessionStore } from '@pulsecam/store';
import { ApiError, type FieldError } from './errors.ts';
import type { JobQueue } from './job-queue.ts';
import { clockVerdict, type ClockLimits } from './session-clock.ts';

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
  return new ApiError('session_not_found', `session ${id} does not exist or has expired`, [
    { field: 'session_id', message: 'unknown or expired session: create one with POST /create-session' },
  ]);
}

/** Checks the session and every frame's time; throws 404 for no session and 422 when no frame fits. */
export async function admitFrames(store: SessionStore, sessionId: string, frames: FrameTime[], limits: ClockLimits, now = Date.now()): Promise<FramesAdmission> {
  const meta = await store.meta(sessionId);
  if (!meta) throw sessionNotFound(sessionId);
  const clock = meta.clock ?? (await store.claimClock(sessionId, frames[0].timestamp === undefined ? 'receive' : 'capture'));
  if (!clock) throw sessionNotFound(sessionId);
  // The timeline's newest frame: stored, or accepted and still queued (batches sent faster than real time).
  const newest = meta.lastFrameTs === null && meta.admittedTs === null ? null : Math.max(meta.lastFrameTs ?? -Infinity, meta.admittedTs ?? -Infinity);
  const admission: FramesAdmission = { accepted: [], refused: [] };
  frames.forEach((frame, index) => {
    const why = clockVerdict({ clock, lastFrameTs: newest, lastSeen: meta.lastSeen }, frame, now, limits);
    if (why) admission.refused.push({ index, t: frame.t, field: frame.field, message: why });
    else admission.accepted.push(index);
  });
  if (admission.accepted.length === 0) {
    throw new ApiError('timestamp_out_of_range', admission.refused[0].message, admission.refused.map(({ field, message }) => ({ field, message })));
  }
  await store.noteAdmitted(sessionId, Math.max(...admission.accepted.map((i) => frames[i].t)));
  return admission;
}

/** Refuses new work while more than `limit` jobs wait for a worker. */
export async function admitWork(jobs: JobQueue, limit: number): Promise<void> {
  const waiting = await jobs.waiting();
  if (waiting > limit) {
    throw new ApiError('overloaded', `${waiting} jobs are waiting for the workers (limit ${limit}); retry in a moment`, undefined, { 'Retry-After': '1' });
  }
}
