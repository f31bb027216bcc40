/**
 * One rule for capture times, so nothing is answered 200 and then dropped. A session's first
 * frame sets its clock: "capture" when frames carry the client's capture timestamps, "receive"
 * when the gateway stamps them on arrival; the two are never mixed in a session (their origins
 * differ). Once a session has frames, a new one must fall inside its timeline: no older than the
 * buffer the session keeps (it would be trimmed at once) and no further ahead of the newest frame
 * than the wall time since the request carrying it arrived, plus a tolerance (another clock
 * origin, a far-future stamp). Frames that keep to ones refused before for being too far ahead
 * are accepted: the client's clock moved on once, or its requests were held up on the way (a
 * loaded machine), and a session must never refuse every later frame because of one delay.
 */
export type ClockMode = 'capture' | 'receive';

export interface SessionTimeline {
  clock: ClockMode;
  /** Capture time (ms) of the session's newest frame, or null before the first. */
  lastFrameTs: number | null;
  /**
   * Server time (ms) the request carrying that frame arrived. Not when it was stored: a request
   * delayed in the service (a backlog, a pause) must not make the client's next frames look
   * ahead of their time, or the session would refuse every later frame.
   */
  lastFrameArrivedAt: number;
  /** The newest frame refused for being too far ahead, and when its request arrived (null: none). */
  ahead: { ts: number; arrivedAt: number } | null;
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
  if (session.lastFrameTs === null) return null;
  const bounds = (ts: number, arrivedAt: number) => ({ lo: ts - limits.bufferMs, hi: ts + Math.max(0, now - arrivedAt) + limits.toleranceMs });
  const { lo, hi } = bounds(session.lastFrameTs, session.lastFrameArrivedAt);
  if (frame.t >= lo && frame.t <= hi) return null;
  if (frame.t > hi && session.ahead) {
    const kept = bounds(session.ahead.ts, session.ahead.arrivedAt);
    if (frame.t >= kept.lo && frame.t <= kept.hi) return null;
  }
  return {
    message: `capture time ${frame.t} is outside this session's timeline: expected ${Math.round(lo)} to ${Math.round(hi)} ms (newest frame ${session.lastFrameTs})`,
    ahead: frame.t > hi,
  };
}
