/**
 * One rule for capture times, so nothing is answered 200 and then dropped. A session's first
 * frame sets its clock: "capture" when frames carry the client's capture timestamps, "receive"
 * when the gateway stamps them on arrival; the two are never mixed in a session (their origins
 * differ). Once a session has frames, a new one must fall inside its timeline: no older than the
 * buffer the session keeps (it would be trimmed at once) and no further ahead of the newest frame
 * than the wall time since the request carrying it arrived, plus a tolerance (another clock
 * origin, a far-future stamp). A request whose frames are all too far ahead is remembered; the
 * next such request is accepted when its frames carry on from those (later, by no more than the
 * wall time since plus the tolerance): the client's clock moved on once, or its requests were held
 * up on the way (a loaded machine), and a session must never refuse every later frame because of
 * one delay. A stamp that does not move on (the same far-future time again), or odd frames mixed
 * with ones that fit, never get in.
 */
export type ClockMode = 'capture' | 'receive';

/**
 * A capture time (ms, the session's clock) and when (ms, server clock) the request carrying it
 * arrived. Arrival, not storing: a request delayed in the service (a backlog, a pause) must not
 * make the client's next frames look ahead of their time, or the session would refuse every later frame.
 */
export interface TimedFrame {
  ts: number;
  arrivedAt: number;
}

export interface SessionTimeline {
  clock: ClockMode;
  /** The session's newest frame, or null before the first. */
  newest: TimedFrame | null;
}

/** Why a frame's time was refused; `ahead`: it was too far ahead of the newest frame. */
export interface ClockRefusal {
  message: string;
  ahead: boolean;
}

export interface ClockLimits {
  bufferMs: number;
  toleranceMs: number;
}

/** Why a frame's time was refused, or null when it fits the session's timeline. */
export function clockVerdict(session: SessionTimeline, frame: { timestamp?: number; t: number }, now: number, limits: ClockLimits): ClockRefusal | null {
  const mode: ClockMode = frame.timestamp === undefined ? 'receive' : 'capture';
  if (mode !== session.clock) {
    const message =
      session.clock === 'capture'
        ? 'this session uses capture timestamps: send timestamp (ms) with every frame'
        : 'this session is stamped on arrival (its first frames had no timestamp): omit timestamp, or start a new session for capture timestamps';
    return { message, ahead: false };
  }
  const { newest } = session;
  if (newest === null) return null;
  const lo = newest.ts - limits.bufferMs;
  const hi = latestAfter(newest, now, limits);
  if (frame.t >= lo && frame.t <= hi) return null;
  return {
    message: `capture time ${frame.t} is outside this session's timeline: expected ${Math.round(lo)} to ${Math.round(hi)} ms (newest frame ${newest.ts})`,
    ahead: frame.t > hi,
  };
}

/** Whether a frame of a request refused whole for being ahead carries on from the last such request's newest frame. */
export function carriesOn(previous: TimedFrame, t: number, now: number, limits: ClockLimits): boolean {
  return t > previous.ts && t <= latestAfter(previous, now, limits);
}

/** The latest capture time that may follow `frame`: the wall time since its request arrived, plus the tolerance. */
function latestAfter(frame: TimedFrame, now: number, limits: ClockLimits): number {
  return frame.ts + Math.max(0, now - frame.arrivedAt) + limits.toleranceMs;
}
