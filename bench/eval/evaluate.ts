/**
 * One recording of a data set scored the way the rPPG literature scores it, for every method:
 * the whole video (one rate from the whole trace, as rPPG-Toolbox's FFT evaluation) and
 * non-overlapping 10 s windows (the live estimate at each window's end, with the service's own
 * gating, so some windows go unanswered: the share answered is reported beside the errors).
 */
import { estimateSession, richTrace, traceFrames, type EstimateSettings, type EstimatorName, type FramePipeline, type FrameTrace } from '@pulsecam/analysis';
import { estimatePulsecam, filteredPulse, DEFAULT_HEART_RATE_OPTIONS, estimateHeartRate, resampleUniform, type MethodName } from '@pulsecam/dsp';
import type { Recording } from './datasets.ts';
import { pulseSnrDb, rateErrors, spectralRate, type RateErrors } from './metrics.ts';

export const METHODS: readonly EstimatorName[] = ['pulsecam', 'pos', 'chrom', 'green', 'lgi', 'omit'];

/** Grid the reference PPG is resampled to before its spectrum is read. */
const REFERENCE_FS = 30;
/** Grid predicted pulses are on (the estimators' own). */
const PULSE_FS = 30;

export interface EvalSettings {
  methods: readonly EstimatorName[];
  windowSeconds: number;
  minSignalSeconds: number;
  /** Seconds of trace the live estimate sees (BUFFER_SECONDS). */
  bufferSeconds: number;
  maxSide: number;
}

export interface Verdict {
  bpm: number | null;
  reference: number | null;
  snrDb: number | null;
}

export interface RecordingResult {
  name: string;
  frames: number;
  faceShare: number;
  seconds: number;
  whole: Record<string, Verdict>;
  windows: Record<string, (Verdict & { end: number })[]>;
}

/** The reference rate over [t0, t1] (s): the periodogram peak of the contact PPG there. */
export function referenceRate(rec: Recording['reference'], t0: number, t1: number): number | null {
  const from = rec.t.findIndex((t) => t >= t0);
  const to = rec.t.findLastIndex((t) => t <= t1) + 1;
  if (from < 0 || to - from < 8) return null;
  const uniform = resampleUniform(rec.t.slice(from, to), [rec.ppg.slice(from, to)], REFERENCE_FS);
  return spectralRate(uniform.channels[0], REFERENCE_FS);
}

/** The method's rate and pulse over the samples given, looking at the newest `windowSeconds`. */
function predict(method: EstimatorName, trace: FrameTrace, windowSeconds: number, minSeconds: number): { bpm: number | null; pulse: Float64Array } {
  const rich = richTrace(trace.samples);
  const take = Math.round(windowSeconds * PULSE_FS);
  if (method === 'pulsecam') {
    const e = estimatePulsecam(rich, { windowSeconds, minSeconds, fs: PULSE_FS });
    return { bpm: e.bpm, pulse: e.pulse.subarray(Math.max(0, e.pulse.length - take)) };
  }
  const colour = { t: rich.t, r: rich.skin[0], g: rich.skin[1], b: rich.skin[2] };
  const options = { ...DEFAULT_HEART_RATE_OPTIONS, method: method as MethodName, windowSeconds, minSeconds, fs: PULSE_FS };
  const e = estimateHeartRate(colour, options);
  const { pulse } = rich.t.length >= 8 ? filteredPulse(colour, options) : { pulse: new Float64Array(0) };
  return { bpm: e.bpm, pulse: pulse.subarray(Math.max(0, pulse.length - take)) };
}

const snr = (pulse: Float64Array, reference: number | null) => (reference === null || pulse.length < 16 ? null : pulseSnrDb(pulse, PULSE_FS, reference));

/** Scores a recording's trace (already extracted) for every method. */
export function scoreTrace(name: string, trace: FrameTrace, reference: Recording['reference'], settings: EvalSettings): RecordingResult {
  const t0 = trace.frameTimes[0] ?? 0;
  const n = trace.frameTimes.length;
  // The recording's length: first to last frame, plus the last frame's own interval.
  const seconds = n > 1 ? ((trace.frameTimes[n - 1] - t0) / 1000) * (n / (n - 1)) : 0;
  const result: RecordingResult = {
    name,
    frames: trace.frameTimes.length,
    faceShare: trace.frameTimes.length ? trace.samples.length / trace.frameTimes.length : 0,
    seconds,
    whole: {},
    windows: {},
  };
  const wholeReference = referenceRate(reference, 0, seconds);
  for (const method of settings.methods) {
    const whole = predict(method, trace, Math.max(settings.windowSeconds, seconds), settings.minSignalSeconds);
    result.whole[method] = { bpm: whole.bpm, reference: wholeReference, snrDb: snr(whole.pulse, wholeReference) };
    const est: EstimateSettings = { method, minSignalSeconds: settings.minSignalSeconds, windowSeconds: settings.windowSeconds };
    const windows: (Verdict & { end: number })[] = [];
    for (let end = settings.windowSeconds; end <= seconds + 1e-6; end += settings.windowSeconds) {
      const endMs = t0 + end * 1000;
      const fromMs = endMs - settings.bufferSeconds * 1000;
      const samples = trace.samples.filter((s) => s.t > fromMs && s.t <= endMs);
      const noFaceTimes = trace.noFaceTimes.filter((t) => t > fromMs && t <= endMs);
      const live = estimateSession(samples, { lastFrameTs: endMs, noFaceTimes }, est);
      const ref = referenceRate(reference, end - settings.windowSeconds, end);
      const inWindow = { ...trace, samples: samples.filter((s) => s.t > endMs - settings.windowSeconds * 1000) };
      const pulse = predict(method, inWindow, settings.windowSeconds, settings.minSignalSeconds).pulse;
      windows.push({ end, bpm: live.heart_rate, reference: ref, snrDb: snr(pulse, ref) });
    }
    result.windows[method] = windows;
  }
  return result;
}

export async function evaluateRecording(rec: Recording, pipeline: FramePipeline, settings: EvalSettings, onFrame?: (done: number) => void): Promise<RecordingResult> {
  const trace = await traceFrames(rec.frames(settings.maxSide), pipeline, { onFrame });
  return scoreTrace(rec.name, trace, rec.reference, settings);
}

export interface MethodSummary {
  method: string;
  /** Errors over the answered videos (or windows), the share answered, and the mean SNR (dB) over all. */
  whole: RateErrors & { answered: number; snrDb: number | null };
  windows: RateErrors & { answered: number; snrDb: number | null };
}

function summarizeVerdicts(verdicts: Verdict[]): RateErrors & { answered: number; snrDb: number | null } {
  const scored = verdicts.filter((v) => v.reference !== null);
  const answered = scored.filter((v) => v.bpm !== null);
  const errors = rateErrors(answered.map((v) => v.bpm!), answered.map((v) => v.reference!));
  const snrs = scored.map((v) => v.snrDb).filter((v): v is number => v !== null && Number.isFinite(v));
  return { ...errors, answered: scored.length ? answered.length / scored.length : 0, snrDb: snrs.length ? snrs.reduce((a, v) => a + v, 0) / snrs.length : null };
}

export function summarizeDataset(results: readonly RecordingResult[], methods: readonly string[]): MethodSummary[] {
  return methods.map((method) => ({
    method,
    whole: summarizeVerdicts(results.map((r) => r.whole[method])),
    windows: summarizeVerdicts(results.flatMap((r) => r.windows[method])),
  }));
}
