/**
 * Frames mode: camera frames batched to the API about once a second (one batch in flight, the
 * frame rate adapted to how fast answers come back, so the service is never sent more than it
 * takes); the service finds the face and measures it.
 */
import { api } from './api.ts';
import { FrameGrabber, type CapturedFrame } from './camera.ts';
import { readRefusal, type MeasurementHost, type MeasurementMode } from './measurement.ts';
import { RateController } from './rate-control.ts';

const BATCH_MS = 1000;
const SEND_CHECK_MS = 100;

export class FramesMode implements MeasurementMode {
  private grabber: FrameGrabber | null = null;
  private queue: CapturedFrame[] = [];
  private inFlight = 0;
  private lastSent = 0;
  private readonly rate = new RateController();
  private timer: number | undefined;
  /** The newest batch, settled either way (stop waits for it before the session is deleted). */
  private lastBatch: Promise<void> = Promise.resolve();

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly host: MeasurementHost,
    /** Told the rate after every answer (frames a second, and whether the service slowed it). */
    private readonly showRate: (fps: number, throttled: boolean) => void,
  ) {}

  start(): void {
    this.grabber = new FrameGrabber(
      this.video,
      (frame) => {
        this.queue.push(frame);
        // Waiting on a slow answer: keep the newest frames; the gap this leaves is reported as one.
        if (this.queue.length > this.rate.maxQueued) this.queue.splice(0, this.queue.length - this.rate.maxQueued);
      },
      this.rate.fps,
    );
    this.grabber.start();
    this.timer = window.setInterval(() => void this.send(), SEND_CHECK_MS);
    this.showRate(this.rate.fps, false);
  }

  async stop(): Promise<void> {
    this.grabber?.stop();
    this.grabber = null;
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
    this.queue = [];
    await this.lastBatch;
  }

  private async send(): Promise<void> {
    const session = this.host.session();
    const now = Date.now();
    if (!session || this.queue.length === 0 || now - this.lastSent < BATCH_MS || !this.rate.maySend(now, this.inFlight)) return;
    const frames = this.queue;
    this.queue = [];
    this.inFlight++;
    this.lastSent = now;
    const sending = api.analyzeBatch(session, frames);
    this.lastBatch = sending.then(
      () => undefined,
      () => undefined,
    );
    try {
      const r = await sending;
      this.rate.answered(Date.now() - now);
      this.host.error(null);
      if (!this.grabber) return;
      const last = frames.at(-1)!;
      const shown = r.results.filter((x) => x.face_detected).at(-1) ?? r.results.at(-1);
      if (shown) this.host.frame(shown, last.width, last.height);
      this.host.estimate(r, r.results);
    } catch (err) {
      const refusal = readRefusal(err, this.host);
      if (refusal.kind === 'busy') this.rate.refused(Date.now(), refusal.retryAfter);
      else if (refusal.kind === 'session_lost' && this.grabber) await this.host.sessionLost();
    } finally {
      this.inFlight--;
      this.grabber?.setFps(this.rate.fps);
      this.showRate(this.rate.fps, this.rate.fps < this.rate.limits.maxFps);
    }
  }
}
