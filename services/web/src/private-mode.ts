/**
 * Private mode: the camera image never leaves the device. Pulsecam's own vision code measures each
 * frame here (DeviceAnalyzer); once a second the measurements, numbers only, go to
 * POST /session/{id}/samples, and the service answers with the same estimate frames mode gets.
 * The first seconds measure whether this device keeps up with TARGET_FPS; when it cannot, the page
 * is told (tooSlow) and falls back to sending frames.
 */
import type { RichSample } from '@pulsecam/contracts';
import { api, type BatchItem } from './api.ts';
import type { DeviceAnalyzer } from './device-vision.ts';
import { readRefusal, type MeasurementHost, type MeasurementMode } from './measurement.ts';

/** Frames a second private mode analyses, and the least a device must manage to use it. */
export const TARGET_FPS = 10;
/** How long the device's speed is measured before private mode is kept. */
const TRIAL_MS = 3000;
/** The first frames compile the models' kernels: not counted in the device's speed. */
const WARMUP_FRAMES = 2;
const POST_MS = 1000;
/** Samples kept while the service is busy or unreachable (30 s); older ones leave a reported gap. */
const MAX_QUEUED_SAMPLES = 30 * TARGET_FPS;

export interface PrivateModeEvents {
  /** The device analyses fewer than TARGET_FPS frames a second (its measured rate). */
  tooSlow(fps: number): void;
  /** The trial passed: how many frames a second the device could analyse flat out. */
  speed(fps: number): void;
}

export class PrivateMode implements MeasurementMode {
  private frameTimer: number | undefined;
  private postTimer: number | undefined;
  private analysing = false;
  private queue: RichSample[] = [];
  private items: BatchItem[] = [];
  private pausedUntil = 0;
  private inFlight: Promise<void> | null = null;
  private trial = { started: 0, frames: 0, busyMs: 0, decided: false };

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly analyzer: DeviceAnalyzer,
    private readonly host: MeasurementHost,
    private readonly events: PrivateModeEvents,
  ) {}

  start(): void {
    this.analyzer.reset();
    this.trial = { started: 0, frames: 0, busyMs: 0, decided: false };
    this.frameTimer = window.setInterval(() => void this.analyse(), 1000 / TARGET_FPS);
    this.postTimer = window.setInterval(() => void this.post(), POST_MS);
  }

  async stop(): Promise<void> {
    if (this.frameTimer !== undefined) window.clearInterval(this.frameTimer);
    if (this.postTimer !== undefined) window.clearInterval(this.postTimer);
    this.frameTimer = this.postTimer = undefined;
    this.queue = [];
    await this.inFlight;
  }

  private get running(): boolean {
    return this.frameTimer !== undefined;
  }

  private async analyse(): Promise<void> {
    if (this.analysing) return; // the device is behind: this tick's frame is skipped
    this.analysing = true;
    try {
      const frame = await this.analyzer.analyze(this.video);
      if (!frame || !this.running) return;
      this.queue.push(frame.sample);
      if (this.queue.length > MAX_QUEUED_SAMPLES) this.queue.splice(0, this.queue.length - MAX_QUEUED_SAMPLES);
      this.items.push(frame.item);
      if (this.items.length > MAX_QUEUED_SAMPLES) this.items.splice(0, this.items.length - MAX_QUEUED_SAMPLES);
      this.host.frame(frame.item, frame.width, frame.height);
      this.measureSpeed(frame.ms);
    } catch (err) {
      this.host.error(`Measuring on this device failed: ${(err as Error).message}`);
      this.events.tooSlow(0);
    } finally {
      this.analysing = false;
    }
  }

  /** The device's sustained rate: frames per second of analysis time, after the warm-up frames. */
  private measureSpeed(ms: number): void {
    const trial = this.trial;
    if (trial.decided) return;
    trial.frames++;
    if (trial.frames <= WARMUP_FRAMES) {
      trial.started = performance.now();
      return;
    }
    trial.busyMs += ms;
    if (performance.now() - trial.started < TRIAL_MS) return;
    trial.decided = true;
    const measured = trial.frames - WARMUP_FRAMES;
    // What the device could do flat out, and what it did (a throttled tab runs fewer ticks).
    const capacity = (1000 * measured) / trial.busyMs;
    const achieved = (1000 * measured) / (performance.now() - trial.started);
    const fps = Math.min(capacity, achieved * 1.1);
    if (fps < TARGET_FPS) this.events.tooSlow(fps);
    else this.events.speed(capacity);
  }

  private async post(): Promise<void> {
    const session = this.host.session();
    if (!session || this.inFlight || this.queue.length === 0 || Date.now() < this.pausedUntil) return;
    const samples = this.queue;
    const items = this.items;
    this.queue = [];
    this.items = [];
    const sending = (async () => {
      try {
        const r = await api.postSamples(session, samples);
        this.host.error(null);
        if (this.running) this.host.estimate(r, items);
      } catch (err) {
        const refusal = readRefusal(err, this.host);
        if (refusal.kind === 'busy') {
          // Nothing is lost: the samples go again, before the newer ones.
          this.queue = [...samples, ...this.queue].slice(-MAX_QUEUED_SAMPLES);
          this.pausedUntil = Date.now() + 1000 * (refusal.retryAfter ?? 1);
        } else if (refusal.kind === 'session_lost' && this.running) {
          await this.host.sessionLost();
        }
      }
    })();
    this.inFlight = sending;
    await sending;
    this.inFlight = null;
  }
}
