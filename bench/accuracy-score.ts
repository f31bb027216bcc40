/**
 * Scoring for the accuracy benchmark: a clip's cached trace through the service's own estimator
 * on sliding windows against the truth, and the statistics reported (MAE/RMSE with a bootstrap
 * confidence interval over clips, share answered, independent windows). No I/O.
 */
import type { Estimate } from '@pulsecam/contracts';
import { createPhysiology, meanHeartRate, mulberry32, type Physiology, type Scenario } from '@pulsecam/synth';
import type { TraceSample } from '@pulsecam/store';
import { estimateSessionTracked, type EstimateSettings } from '@pulsecam/analysis';
import type { TrackerHistory } from '@pulsecam/dsp';
import type { CachedTrace } from './trace-cache.ts';

export const WINDOW_SECONDS = 10;

export interface WindowResult {
  truth: number;
  bpm: number | null;
  confidence: Estimate['confidence'];
  pulseDetected: boolean | null;
  quality: number;
  rmssd: number | null;
  hrvQuality: number;
  truthRmssd: number;
  breathing: number | null;
  breathingQuality: number;
  truthBreathing: number;
}

export interface ClipResult {
  clip: string;
  family: string;
  expect: Scenario['expect'];
  /** Non-overlapping 10 s windows the clip holds. */
  independentWindows: number;
  windows: WindowResult[];
}

/** RMSSD (ms) of the true beats inside [t0, t1]. */
export function trueRmssd(beats: number[], t0: number, t1: number): number {
  const inside = beats.filter((b) => b >= t0 && b <= t1);
  let sum = 0;
  let n = 0;
  for (let i = 2; i < inside.length; i++) {
    sum += ((inside[i] - inside[i - 1] - (inside[i - 1] - inside[i - 2])) * 1000) ** 2;
    n++;
  }
  return n ? Math.sqrt(sum / n) : NaN;
}

export interface ScoreOptions {
  settings: EstimateSettings;
  /** Seconds of trace the estimator sees (the service's BUFFER_SECONDS). */
  bufferSeconds: number;
  stepSeconds: number;
  /**
   * Estimate every window afresh, as one request with the whole buffer would (default: each
   * estimate hands its tracker windows to the next, as a live session's estimates do).
   */
  stateless?: boolean;
}

/** One window's estimate beside the truth of the 10 s ending at `end` (seconds; the trace began at `first`). */
export function windowResult(sc: Scenario, physiology: Physiology, e: Estimate, first: number, end: number): WindowResult {
  return {
    truth: meanHeartRate(physiology, end - WINDOW_SECONDS, end),
    bpm: e.heart_rate,
    confidence: e.confidence,
    pulseDetected: e.pulse_detected,
    quality: e.signal_quality,
    rmssd: e.hrv?.rmssd_ms ?? null,
    hrvQuality: e.hrv?.quality ?? 0,
    truthRmssd: trueRmssd(physiology.beats, first, end),
    breathing: e.respiration?.rate ?? null,
    breathingQuality: e.respiration?.quality ?? 0,
    truthBreathing: sc.spec.physiology.breathingRate,
  };
}

/** Every window of a clip (10 s, one every `stepSeconds` after warm-up), estimated as the service would. */
export function scoreClip(sc: Scenario, trace: CachedTrace, o: ScoreOptions): ClipResult {
  const physiology = createPhysiology(sc.spec.physiology, sc.spec.durationSeconds);
  const windows: WindowResult[] = [];
  const lastFrame = trace.frameTimes[trace.frameTimes.length - 1] / 1000;
  let tracker: TrackerHistory | null = null;
  for (let end = WINDOW_SECONDS; end <= lastFrame + 1e-9; end += o.stepSeconds) {
    const endMs = end * 1000;
    const startMs = endMs - o.bufferSeconds * 1000;
    const samples: TraceSample[] = trace.samples.filter((s) => s.t <= endMs && s.t >= startMs);
    const framesSoFar = trace.frameTimes.filter((t) => t <= endMs && t >= startMs);
    const lastFrameTs = framesSoFar.length ? framesSoFar[framesSoFar.length - 1] : null;
    const faceTimes = new Set(samples.map((x) => x.t));
    const { estimate: e, tracker: next } = estimateSessionTracked(samples, { lastFrameTs, noFaceTimes: framesSoFar.filter((t) => !faceTimes.has(t)) }, o.settings, o.stateless ? null : tracker);
    tracker = next;
    windows.push(windowResult(sc, physiology, e, samples.length ? samples[0].t / 1000 : end, end));
  }
  return { clip: sc.name, family: sc.family, expect: sc.expect, independentWindows: Math.floor(lastFrame / WINDOW_SECONDS), windows };
}

export interface Summary {
  mae: number;
  rmse: number;
  /** 95 % bootstrap interval of the MAE, resampling clips. */
  maeCi: [number, number];
  answered: number;
  windows: number;
  independentWindows: number;
  clips: number;
}

const BOOTSTRAP_REPS = 1000;

function errorsOf(clip: ClipResult, pick: (w: WindowResult) => boolean = () => true): number[] {
  return clip.windows.filter((w) => w.bpm !== null && pick(w)).map((w) => Math.abs(w.bpm! - w.truth));
}

/** MAE, RMSE and answered share over the clips' windows, with a bootstrap CI over clips. */
export function summarize(clips: ClipResult[], pick: (w: WindowResult) => boolean = () => true): Summary {
  const perClip = clips.map((c) => errorsOf(c, pick));
  const all = perClip.flat();
  const windows = clips.reduce((a, c) => a + c.windows.filter(pick).length, 0);
  const mae = all.length ? all.reduce((a, b) => a + b, 0) / all.length : NaN;
  const rmse = all.length ? Math.sqrt(all.reduce((a, b) => a + b * b, 0) / all.length) : NaN;
  const rnd = mulberry32(12345);
  const reps: number[] = [];
  if (clips.length > 1) {
    for (let r = 0; r < BOOTSTRAP_REPS; r++) {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < clips.length; i++) {
        const errors = perClip[Math.floor(rnd() * clips.length)];
        for (const e of errors) sum += e;
        n += errors.length;
      }
      if (n) reps.push(sum / n);
    }
    reps.sort((a, b) => a - b);
  }
  const maeCi: [number, number] = reps.length ? [reps[Math.floor(0.025 * reps.length)], reps[Math.floor(0.975 * reps.length)]] : [NaN, NaN];
  return {
    mae,
    rmse,
    maeCi,
    answered: windows ? all.length / windows : 0,
    windows,
    independentWindows: clips.reduce((a, c) => a + c.independentWindows, 0),
    clips: clips.length,
  };
}

/** Share of windows where `pick` holds. */
export function share(clips: ClipResult[], pick: (w: WindowResult) => boolean): number {
  const all = clips.flatMap((c) => c.windows);
  return all.length ? all.filter(pick).length / all.length : NaN;
}
