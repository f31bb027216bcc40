/**
 * Private mode: the camera image never leaves the device. Pulsecam's own vision code measures each
 * frame here (DeviceAnalyzer); once a second the measurements, numbers only, go to
 * POST /session/{id}/samples, and the service answers with the same estimate frames mode gets.
 * The first seconds measure whether this device keeps up with TARGET_FPS; when it cannot, the page
 * is told (tooSlow) and falls back to sending frames. A device with time to spare measures
 * FAST_FPS instead: at 15 frames a second the estimator answers in about twice as many windows as
 * at 10, as accurately (the README's accuracy at device frame rates).
 */
import type { RichSample } from '@pulsecam/contracts';
import { api, type BatchItem } from './api.ts';
import type { DeviceAnalyzer } from './device-vision.ts';
import { readRefusal, type MeasurementHost, type MeasurementMode } from './measurement.ts';
import { VideoFrameClock } from './video-frames.ts';

/** Frames a second private mode analyses, and the least a device must manage to use it. */
export const TARGET_FPS = 10;
/** Frames a second a device measures when it can analyse FAST_HEADROOM times that many. */
export const FAST_FPS = 15;
/** Analysis may take at most two thirds of the device's time at FAST_FPS (the rest: the page, the camera, thermal slack). */
const FAST_HEADROOM = 1.5;
/** How long the device's speed is measured before private mode is kept. */
const TRIAL_MS = 3000;
/** The first frames compile the models' kernels: not counted in the device's speed. */
const WARMUP_FRAMES = 2;
const POST_MS = 1000;
/** Samples kept while the service is busy or unreachable (30 s at the fast rate); older ones leave a reported gap. */
const MAX_QUEUED_SAMPLES = 30 * FAST_FPS;

export interface PrivateModeEvents {
  /** The device analyses fewer than TARGET_FPS frames a second (its measured rate). */
  tooSlow(fps: number): void;
  /** The trial passed: how many frames a second the device could analyse flat out, and the rate it now measures. */
  speed(fps: number, rate: number): void;
}

export class PrivateMode implements MeasurementMode {
  private frameTimer: number | undefined;
  private postTimer: number | undefined;
  private analysing = false;
  private queue: RichSample[] = [];
  private items: BatchItem[] = [];
  private pausedUntil = 0;
  private inFlight: Promise<void> | null = null;
  private trial = { started: 0, frames: 0, busyMs: 0, unchanged: 0, decided: false };
  private readonly frames: VideoFrameClock;
  private lastFrameId = -1;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly analyzer: DeviceAnalyzer,
    private readonly host: MeasurementHost,
    private readonly events: PrivateModeEvents,
  ) {
    this.frames = new VideoFrameClock(video);
  }

  start(): void {
    this.analyzer.reset();
    this.trial = { started: 0, frames: 0, busyMs: 0, unchanged: 0, decided: false };
    this.frames.start();
    this.lastFrameId = -1;
    this.measureAt(TARGET_FPS);
    this.postTimer = window.setInterval(() => void this.post(), POST_MS);
  }

  /** Analyses the camera `fps` times a second from now on. */
  private measureAt(fps: number): void {
    if (this.frameTimer !== undefined) window.clearInterval(this.frameTimer);
    this.frameTimer = window.setInterval(() => void this.analyse(), 1000 / fps);
  }

  async stop(): Promise<void> {
    this.frames.stop();
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
    // Each camera frame once, stamped with its capture time (where the browser says which frame it shows).
    const shown = this.frames.latest();
    if (shown && shown.id === this.lastFrameId) {
      // The camera had no new frame for this tick: not the device falling behind.
      if (!this.trial.decided && this.trial.frames > WARMUP_FRAMES) this.trial.unchanged++;
      return;
    }
    this.analysing = true;
    try {
      if (shown) this.lastFrameId = shown.id;
      const frame = await this.analyzer.analyze(this.video, shown?.time);
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
    const achieved = (1000 * (measured + trial.unchanged)) / (performance.now() - trial.started);
    const fps = Math.min(capacity, achieved * 1.1);
    if (fps < TARGET_FPS) {
      this.events.tooSlow(fps);
      return;
    }
    const rate = capacity >= FAST_HEADROOM * FAST_FPS ? FAST_FPS : TARGET_FPS;
    if (rate !== TARGET_FPS && this.running) this.measureAt(rate);
    this.events.speed(capacity, rate);
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
