/**
 * Heart rate over time for a recorded trace: at every second, the estimate a live session would
 * have answered then (same estimator, same gating and guidance, same buffer length), and a
 * summary of the whole recording.
 */
import type { Estimate, VideoResult, VideoSeriesRow, VideoSummary } from '@pulsecam/contracts';
import { median, type TrackerHistory } from '@pulsecam/dsp';
import { estimateSessionTracked, type EstimateSettings } from './estimate-session.ts';
import type { FrameTrace } from './video-trace.ts';

export interface SeriesOptions {
  settings: EstimateSettings;
  /** Seconds of trace a session keeps (BUFFER_SECONDS): each estimate sees at most this much. */
  bufferSeconds: number;
  /** Seconds between rows. */
  stepSeconds?: number;
}

/** One row with the full estimate behind it (the report draws its waveform and spectrum). */
export interface SeriesPoint {
  tMs: number;
  estimate: Estimate;
}

/** Indices [from, to) of the sorted `times` with lo < t <= hi. */
function range(times: readonly number[], lo: number, hi: number, from: number): [number, number] {
  let a = from;
  while (a < times.length && times[a] <= lo) a++;
  let b = a;
  while (b < times.length && times[b] <= hi) b++;
  return [a, b];
}

export function heartRateSeries(trace: FrameTrace, options: SeriesOptions): SeriesPoint[] {
  const { frameTimes, samples, noFaceTimes } = trace;
  if (frameTimes.length === 0) return [];
  const step = (options.stepSeconds ?? 1) * 1000;
  const buffer = options.bufferSeconds * 1000;
  const sampleTimes = samples.map((s) => s.t);
  const start = frameTimes[0];
  const end = frameTimes[frameTimes.length - 1];
  const points: SeriesPoint[] = [];
  let sFrom = 0;
  let nFrom = 0;
  let newestFrame = 0;
  let tracker: TrackerHistory | null = null;
  for (let t = start + step; t <= end + 1e-6; t += step) {
    const [s0, s1] = range(sampleTimes, t - buffer, t, sFrom);
    const [n0, n1] = range(noFaceTimes, t - buffer, t, nFrom);
    sFrom = s0;
    nFrom = n0;
    while (newestFrame + 1 < frameTimes.length && frameTimes[newestFrame + 1] <= t) newestFrame++;
    const lastFrame = frameTimes[newestFrame];
    // Each estimate hands its tracker windows to the next, as a live session's estimates do.
    const next = estimateSessionTracked(samples.slice(s0, s1), { lastFrameTs: lastFrame, noFaceTimes: noFaceTimes.slice(n0, n1) }, options.settings, tracker);
    tracker = next.tracker;
    points.push({ tMs: t, estimate: next.estimate });
  }
  return points;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function medianOrNull(values: number[]): number | null {
  return values.length > 0 ? median(values) : null;
}

export function seriesRows(points: readonly SeriesPoint[], startMs: number): VideoSeriesRow[] {
  return points.map(({ tMs, estimate: e }) => ({
    t: round((tMs - startMs) / 1000, 3),
    bpm: e.heart_rate,
    confidence: e.confidence,
    quality: e.signal_quality,
    pulse_detected: e.pulse_detected,
    guidance: e.guidance,
  }));
}

export function summarizeSeries(points: readonly SeriesPoint[], trace: FrameTrace, minSignalSeconds: number): VideoSummary {
  const start = trace.frameTimes[0] ?? 0;
  const scored = points.filter((p) => p.tMs - start >= minSignalSeconds * 1000);
  const answered = scored.filter((p) => p.estimate.heart_rate !== null);
  const rates = answered.map((p) => p.estimate.heart_rate!);
  const found = scored.filter((p) => p.estimate.pulse_detected === true).length;
  const notFound = scored.filter((p) => p.estimate.pulse_detected === false).length;
  const rmssd = answered.map((p) => p.estimate.hrv?.rmssd_ms).filter((v): v is number => typeof v === 'number');
  const breathing = answered.map((p) => p.estimate.respiration?.rate).filter((v): v is number => typeof v === 'number');
  const hrvQuality = answered.map((p) => p.estimate.hrv?.quality).filter((v): v is number => typeof v === 'number');
  const breathingQuality = answered.map((p) => p.estimate.respiration?.quality).filter((v): v is number => typeof v === 'number');
  const nullable = (v: number | null, d: number) => (v === null ? null : round(v, d));
  return {
    median_bpm: nullable(medianOrNull(rates), 1),
    min_bpm: rates.length ? Math.min(...rates) : null,
    max_bpm: rates.length ? Math.max(...rates) : null,
    answered_share: scored.length ? round(answered.length / scored.length, 3) : 0,
    face_share: trace.frameTimes.length ? round(trace.samples.length / trace.frameTimes.length, 3) : 0,
    // The verdict of the majority of seconds that reached one.
    pulse_detected: found + notFound === 0 ? null : found >= notFound,
    rmssd_ms: nullable(medianOrNull(rmssd), 1),
    hrv_quality: nullable(medianOrNull(hrvQuality), 3),
    breathing_rate: nullable(medianOrNull(breathing), 1),
    breathing_quality: nullable(medianOrNull(breathingQuality), 3),
  };
}

/** Each second's newest stretch of waveform, end to end: the pulse over the whole recording. */
export function stitchedPulse(points: readonly SeriesPoint[], stepSeconds = 1): VideoResult['pulse'] {
  let fs: number | null = null;
  const values: number[] = [];
  for (const { estimate } of points) {
    const w = estimate.waveform;
    if (!w || (fs !== null && Math.abs(w.fs - fs) > 1e-9)) continue;
    fs ??= w.fs;
    const take = Math.min(w.values.length, Math.round(stepSeconds * w.fs));
    values.push(...w.values.slice(w.values.length - take));
  }
  return fs === null ? null : { fs, values };
}

export interface VideoResultInput {
  trace: FrameTrace;
  points: readonly SeriesPoint[];
  settings: EstimateSettings;
  source: { name: string; width: number; height: number };
  elapsedMs: number;
}

export function videoResult({ trace, points, settings, source, elapsedMs }: VideoResultInput): VideoResult {
  const times = trace.frameTimes;
  const start = times[0] ?? 0;
  const span = times.length > 1 ? (times[times.length - 1] - start) / 1000 : 0;
  return {
    source: {
      name: source.name,
      duration_seconds: round(span + (times.length > 1 ? span / (times.length - 1) : 0), 3),
      frames: times.length,
      fps: span > 0 ? round((times.length - 1) / span, 2) : null,
      width: source.width,
      height: source.height,
    },
    method: settings.method,
    summary: summarizeSeries(points, trace, settings.minSignalSeconds),
    series: seriesRows(points, start),
    pulse: stitchedPulse(points),
    timing: { seconds: round(elapsedMs / 1000, 2), frames_per_second: elapsedMs > 0 ? round(times.length / (elapsedMs / 1000), 1) : 0 },
  };
}
