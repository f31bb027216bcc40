/**
 * From a session's stored trace to the Estimate the API returns: the DSP core on the samples plus
 * the guidance a person needs (warming up, face lost, hold still, weak signal).
 */
import type { Estimate } from '@pulsecam/contracts';
import {
  designBandPass,
  detectBeats,
  filtfilt,
  estimateHeartRate,
  estimatePulsecam,
  heartRateVariability,
  respirationFromBeats,
  type HeartRateEstimate,
  type MethodName,
  type PulsecamEstimate,
  type RichTrace,
  type TrackerHistory,
} from '@pulsecam/dsp';
import type { TraceSample } from '@pulsecam/store';
import {
  BEAT_BAND_FLOOR_HZ,
  BEAT_BAND_HIGH,
  BEAT_BAND_LOW,
  BEAT_QUALITY_FULL,
  BREATHING_MIN_QUALITY,
  FACE_LOST_MS,
  HOLD_STILL_MOTION,
  HOLD_STILL_SPAN_MS,
  HRV_MIN_QUALITY,
  MAX_GAP_MS,
  MIN_SAMPLES_PER_SECOND,
  WAVEFORM_FS,
} from './tuning.ts';

export type EstimatorName = MethodName | 'pulsecam';

export interface EstimateSettings {
  method: EstimatorName;
  minSignalSeconds: number;
  windowSeconds: number;
  /** Override of the estimator's quality threshold (for calibration). */
  minQuality?: number;
  /** Override of the quality below which RMSSD is withheld (for calibration). */
  hrvMinQuality?: number;
  /** Override of the quality below which the breathing rate is withheld (for calibration). */
  breathingMinQuality?: number;
  /** Override of the blood-signature check's least colour share (for calibration). */
  minChromaShare?: number;
}

function recentMotion(samples: TraceSample[]): number {
  const last = samples[samples.length - 1];
  const recent = samples.filter((s) => s.pose && last.t - s.t <= HOLD_STILL_SPAN_MS);
  if (recent.length < 5) return 0;
  const eye = recent.reduce((a, s) => a + s.pose![2], 0) / recent.length || 1;
  const mx = recent.reduce((a, s) => a + s.pose![0], 0) / recent.length;
  const my = recent.reduce((a, s) => a + s.pose![1], 0) / recent.length;
  const v = recent.reduce((a, s) => a + (s.pose![0] - mx) ** 2 + (s.pose![1] - my) ** 2, 0) / recent.length;
  return Math.sqrt(v) / eye;
}

/** The samples as the DSP core's rich trace: regions, pose and background when every sample has them. */
export function richTrace(samples: TraceSample[]): RichTrace {
  const n = samples.length;
  const columns = (count: number) => Array.from({ length: count }, () => new Float64Array(n));
  let hasRegions = true;
  let hasPose = true;
  let hasBackground = true;
  for (const s of samples) {
    hasRegions &&= s.regions !== undefined;
    hasPose &&= s.pose !== undefined;
    hasBackground &&= s.background !== undefined;
  }
  // One pass over the samples fills every channel (t, skin, 3 regions x RGB, pose, background).
  const t = new Float64Array(n);
  const skin = columns(3);
  const regions = hasRegions ? columns(9) : [];
  const pose = hasPose ? columns(4) : [];
  const background = hasBackground ? columns(3) : [];
  for (let i = 0; i < n; i++) {
    const s = samples[i];
    t[i] = s.t / 1000;
    for (let c = 0; c < 3; c++) skin[c][i] = s.skin[c];
    if (hasRegions) for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) regions[3 * r + c][i] = s.regions![r][c];
    if (hasPose) for (let j = 0; j < 4; j++) pose[j][i] = s.pose![j];
    if (hasBackground) for (let c = 0; c < 3; c++) background[c][i] = s.background![c];
  }
  const trace: RichTrace = { t, skin: [skin[0], skin[1], skin[2]] };
  if (hasRegions) trace.regions = [0, 1, 2].map((r) => [regions[3 * r], regions[3 * r + 1], regions[3 * r + 2]] as const);
  if (hasPose) trace.pose = { cx: pose[0], cy: pose[1], size: pose[2], roll: pose[3] };
  if (hasBackground) trace.background = [background[0], background[1], background[2]];
  return trace;
}

/** Newest `seconds` of the pulse, decimated by averaging and scaled to [-1, 1]. */
function waveformOf(pulse: Float64Array, fs: number, seconds: number): Estimate['waveform'] {
  const factor = Math.max(1, Math.round(fs / WAVEFORM_FS));
  const take = Math.min(pulse.length, Math.round(seconds * fs));
  const start = pulse.length - take;
  const values: number[] = [];
  for (let i = start; i + factor <= pulse.length; i += factor) {
    let s = 0;
    for (let j = 0; j < factor; j++) s += pulse[i + j];
    values.push(s / factor);
  }
  const peak = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  return { fs: fs / factor, values: values.map((v) => Math.round((v / peak) * 1000) / 1000) };
}

/** Waveform, beat intervals with RMSSD, and breathing rate from the pulsecam estimate. */
function beyondHeartRate(result: HeartRateEstimate, settings: EstimateSettings): Pick<Estimate, 'waveform' | 'hrv' | 'respiration'> {
  const windowSeconds = settings.windowSeconds;
  const rich = result as Partial<PulsecamEstimate>;
  if (result.bpm === null || !rich.pulse || rich.pulse.length === 0 || !rich.fs) return { waveform: null, hrv: null, respiration: null };
  // Beats are timed on the pulse narrowed around the measured rate (fundamental and first
  // harmonic): peaks from noise and the dicrotic notch then no longer pass for beats.
  const hz = result.bpm / 60;
  const narrow = filtfilt(rich.pulse, designBandPass(Math.max(BEAT_BAND_FLOOR_HZ, BEAT_BAND_LOW * hz), Math.min(rich.fs / 2 - 0.5, BEAT_BAND_HIGH * hz), rich.fs, 2));
  const beats = detectBeats(narrow, rich.fs, result.bpm);
  const hrv = heartRateVariability(beats, 60_000 / result.bpm);
  const resp = respirationFromBeats(beats);
  const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  // Beat timing needs a clean waveform: HRV quality is discounted by the pulse's own quality.
  const hrvQuality = r3(hrv.quality * Math.min(1, result.quality / BEAT_QUALITY_FULL));
  const respirationQuality = r3(resp.quality * Math.min(1, result.quality / BEAT_QUALITY_FULL));
  return {
    waveform: waveformOf(rich.pulse, rich.fs, windowSeconds),
    hrv: {
      rmssd_ms: hrvQuality >= (settings.hrvMinQuality ?? HRV_MIN_QUALITY) ? r1(hrv.rmssdMs) : null,
      mean_ibi_ms: r1(hrv.meanIbiMs),
      ibi_ms: hrv.ibiMs,
      quality: hrvQuality,
    },
    respiration: { rate: respirationQuality >= (settings.breathingMinQuality ?? BREATHING_MIN_QUALITY) ? r1(resp.rate) : null, quality: respirationQuality },
  };
}

function runEstimator(samples: TraceSample[], settings: EstimateSettings, tracker: TrackerHistory | null): HeartRateEstimate & { history?: TrackerHistory | null } {
  if (settings.method === 'pulsecam') {
    return estimatePulsecam(
      richTrace(samples),
      {
        minSeconds: settings.minSignalSeconds,
        windowSeconds: settings.windowSeconds,
        ...(settings.minQuality !== undefined ? { minQuality: settings.minQuality, minQualityPlain: settings.minQuality } : {}),
        ...(settings.minChromaShare !== undefined ? { minChromaShare: settings.minChromaShare } : {}),
      },
      tracker,
    );
  }
  const trace = richTrace(samples);
  return estimateHeartRate(
    { t: trace.t, r: trace.skin[0], g: trace.skin[1], b: trace.skin[2] },
    { method: settings.method, minSeconds: settings.minSignalSeconds, windowSeconds: settings.windowSeconds },
  );
}

/** What the session knows of its frames beyond the samples: the newest frame, and the frames without a face. */
export interface FrameTimeline {
  lastFrameTs: number | null;
  /** Capture times (ms) of frames analysed without finding a face. */
  noFaceTimes: readonly number[];
}

/** Whether frames without a face fall inside (from, to): a gap in the samples then means the face was lost, not the frames. */
function framesWithoutFace(timeline: FrameTimeline, from: number, to: number): number {
  let n = 0;
  for (const t of timeline.noFaceTimes) if (t > from && t < to) n++;
  return n;
}

/** An estimate, and the tracker's windows to hand to the next estimate of the same session. */
export interface TrackedEstimate {
  estimate: Estimate;
  tracker: TrackerHistory | null;
}

/** One estimate of a session's trace, with no history: every window of the buffer analysed. */
export function estimateSession(samples: TraceSample[], timeline: FrameTimeline, settings: EstimateSettings): Estimate {
  return estimateSessionTracked(samples, timeline, settings, null).estimate;
}

/**
 * One estimate of a live session's trace, reusing the tracker windows the previous estimate
 * analysed (`tracker`, as it returned them): the answer a live session gets, at the cost of the
 * windows that are new since.
 */
export function estimateSessionTracked(samples: TraceSample[], timeline: FrameTimeline, settings: EstimateSettings, tracker: TrackerHistory | null): TrackedEstimate {
  const estimate = (e: Estimate, history: TrackerHistory | null = tracker): TrackedEstimate => ({ estimate: e, tracker: history });
  const { lastFrameTs } = timeline;
  const base = { method: settings.method, samples: samples.length, pulse_detected: null, waveform: null, hrv: null, respiration: null };
  if (samples.length === 0) {
    return estimate({ ...base, heart_rate: null, confidence: 'none', signal_quality: 0, buffer_seconds: 0, guidance: ['warming_up'], message: 'No signal yet: send frames with a face in view.' });
  }
  const newest = samples[samples.length - 1].t;
  const bufferSeconds = (newest - samples[0].t) / 1000;
  if (lastFrameTs !== null && lastFrameTs - newest > FACE_LOST_MS) {
    return estimate({ ...base, heart_rate: null, confidence: 'none', signal_quality: 0, buffer_seconds: bufferSeconds, guidance: ['no_face'], message: 'Face lost: no face in the most recent frames.' });
  }
  const windowStart = newest - settings.windowSeconds * 1000;
  const inWindow = samples.filter((x) => x.t >= windowStart);
  const span = Math.min(settings.windowSeconds, bufferSeconds);
  let longestGap = 0;
  let gapStart = windowStart;
  for (let i = 1; i < inWindow.length; i++) {
    const gap = inWindow[i].t - inWindow[i - 1].t;
    if (gap > longestGap) {
      longestGap = gap;
      gapStart = inWindow[i - 1].t;
    }
  }
  const sparse = inWindow.length < MIN_SAMPLES_PER_SECOND * span;
  if (bufferSeconds >= settings.minSignalSeconds && (sparse || longestGap > MAX_GAP_MS)) {
    // Frames that came without a face explain the hole; no frames at all means the stream paused.
    const faceLost = sparse ? framesWithoutFace(timeline, windowStart, newest + 1) > 0 : framesWithoutFace(timeline, gapStart, gapStart + longestGap) > 0;
    return estimate({
      ...base,
      heart_rate: null,
      confidence: 'none',
      signal_quality: 0,
      buffer_seconds: bufferSeconds,
      guidance: [faceLost ? 'no_face' : 'frame_gap'],
      message: faceLost
        ? 'The face was found in too few of the recent frames to measure: face the camera and keep it in view.'
        : 'Frames arrived with gaps: send them steadily (at least 5 a second) to measure.',
    });
  }
  const result = runEstimator(samples, settings, tracker);
  const guidance: Estimate['guidance'] = [];
  if (recentMotion(samples) > HOLD_STILL_MOTION) guidance.push('hold_still');
  let message: string;
  switch (result.reason) {
    case 'not_enough_signal':
      guidance.push('warming_up');
      message = `Measuring: ${bufferSeconds.toFixed(1)} s of ${settings.minSignalSeconds} s collected.`;
      break;
    case 'no_pulse':
      guidance.push('weak_signal');
      message = 'No clear pulse in the signal yet: keep still, face the light.';
      break;
    case 'ok':
      message = 'Analysis completed successfully';
      break;
  }
  const answer: Estimate = {
    ...base,
    heart_rate: result.bpm === null ? null : Math.round(result.bpm * 10) / 10,
    confidence: result.confidence,
    // Liveness: a pulse found; or, over a whole window of a tracked face, none at all.
    pulse_detected: result.reason === 'ok' ? true : result.reason === 'no_pulse' && bufferSeconds >= settings.windowSeconds ? false : null,
    signal_quality: Math.round(result.quality * 1000) / 1000,
    buffer_seconds: Math.round(bufferSeconds * 100) / 100,
    guidance,
    message,
    ...beyondHeartRate(result, settings),
  };
  return estimate(answer, result.history ?? null);
}
