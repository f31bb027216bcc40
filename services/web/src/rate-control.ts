/**
 * How many frames a second the page sends: as many as the service answers in good time, never
 * more. Each batch's answer time steers the rate (down in proportion when answers are slow, up a
 * frame a second when they are quick), a refusal (429/503) halves it and pauses for Retry-After,
 * and only one batch is in flight at a time, so a slow service is never sent more than it takes.
 */
export interface RateLimits {
  minFps: number;
  maxFps: number;
  /** A batch answered slower than this slows the page down. */
  targetLatencyMs: number;
  /** Seconds of frames kept while waiting to send (older ones are dropped: a gap, reported as such). */
  maxQueueSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { minFps: 4, maxFps: 10, targetLatencyMs: 800, maxQueueSeconds: 2 };

export class RateController {
  private rate: number;
  private pausedUntil = 0;

  constructor(readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {
    this.rate = limits.maxFps;
  }

  /** Frames per second to capture now (whole frames). */
  get fps(): number {
    return Math.round(this.rate);
  }

  /** Frames to keep queued at most: the newest few seconds. */
  get maxQueued(): number {
    return Math.ceil(this.rate * this.limits.maxQueueSeconds);
  }

  /** A batch came back after `latencyMs`. */
  answered(latencyMs: number): void {
    const { minFps, maxFps, targetLatencyMs } = this.limits;
    if (latencyMs > targetLatencyMs) {
      // Slow down in proportion, at most by half per answer.
      this.rate = Math.max(minFps, this.rate * Math.max(0.5, targetLatencyMs / latencyMs));
    } else if (latencyMs < 0.6 * targetLatencyMs) {
      this.rate = Math.min(maxFps, this.rate + 1);
    }
  }

  /** The service refused a batch as overloaded (429/503); `retryAfterSeconds` from its header. */
  refused(now: number, retryAfterSeconds: number | null): void {
    this.rate = Math.max(this.limits.minFps, this.rate / 2);
    this.pausedUntil = now + 1000 * (retryAfterSeconds ?? 1);
  }

  /** Whether a batch may go out now. */
  maySend(now: number, inFlight: number): boolean {
    return inFlight === 0 && now >= this.pausedUntil;
  }
}
