/**
 * Heart rate from a colour trace: uniform resampling, an rPPG method, zero-phase band-pass,
 * Hann-windowed zero-padded spectrum, interpolated peak, and a quality equal to the peak's
 * (fundamental + first harmonic) share of the in-band power.
 */
import { designBandPass, filtfilt } from './filters.ts';
import { pulseSignal, type MethodName, type Rgb } from './methods.ts';
import { resampleUniform } from './resample.ts';
import { peakInBand, powerSpectrum, pulseSnr } from './spectrum.ts';

export interface ColorTrace {
  /** Capture times in seconds, ascending. */
  t: ArrayLike<number>;
  r: ArrayLike<number>;
  g: ArrayLike<number>;
  b: ArrayLike<number>;
}

export interface HeartRateOptions {
  method: MethodName;
  /** Uniform grid rate the trace is resampled to. */
  fs: number;
  /** Seconds of the newest signal the spectrum is taken over. */
  windowSeconds: number;
  /** No estimate before this many seconds of signal. */
  minSeconds: number;
  bandHz: readonly [number, number];
  /** Below this quality (0-1) no heart rate is reported. */
  minQuality: number;
}

export const DEFAULT_HEART_RATE_OPTIONS: HeartRateOptions = {
  method: 'pos',
  fs: 30,
  windowSeconds: 10,
  minSeconds: 5,
  bandHz: [0.7, 4],
  minQuality: 0.1,
};

export type Confidence = 'high' | 'medium' | 'low' | 'none';

export interface HeartRateEstimate {
  bpm: number | null;
  /** 0-1: share of in-band power at the pulse frequency and its harmonic. */
  quality: number;
  confidence: Confidence;
  /** Seconds of signal the estimate looked at. */
  seconds: number;
  /** Why bpm is null, when it is. */
  reason: 'ok' | 'not_enough_signal' | 'no_pulse';
}

export function confidenceOf(quality: number, hasRate: boolean): Confidence {
  if (!hasRate) return 'none';
  if (quality >= 0.45) return 'high';
  if (quality >= 0.3) return 'medium';
  return 'low';
}

/** Band-passed pulse of the newest `windowSeconds` (plus edge margin) of a trace. */
export function filteredPulse(trace: ColorTrace, options: HeartRateOptions): { pulse: Float64Array; fs: number } {
  const uniform = resampleUniform(trace.t, [trace.r, trace.g, trace.b], options.fs);
  const rgb = uniform.channels as unknown as Rgb;
  const raw = pulseSignal(options.method, rgb, { fs: options.fs, bandHz: options.bandHz });
  const sections = designBandPass(options.bandHz[0], options.bandHz[1], options.fs, 4);
  return { pulse: filtfilt(raw, sections), fs: options.fs };
}

export function estimateHeartRate(trace: ColorTrace, partial: Partial<HeartRateOptions> = {}): HeartRateEstimate {
  const options = { ...DEFAULT_HEART_RATE_OPTIONS, ...partial };
  const n = trace.t.length;
  const seconds = n >= 2 ? trace.t[n - 1] - trace.t[0] : 0;
  if (n < 8 || seconds < options.minSeconds) {
    return { bpm: null, quality: 0, confidence: 'none', seconds, reason: 'not_enough_signal' };
  }
  const { pulse, fs } = filteredPulse(trace, options);
  const windowLength = Math.min(pulse.length, Math.round(options.windowSeconds * fs));
  const spectrum = powerSpectrum(pulse, fs, 4096, pulse.length - windowLength, pulse.length);
  const peak = peakInBand(spectrum, options.bandHz[0], options.bandHz[1]);
  if (!peak) return { bpm: null, quality: 0, confidence: 'none', seconds, reason: 'no_pulse' };
  const snr = pulseSnr(spectrum, peak.hz, options.bandHz[0], options.bandHz[1]);
  const quality = snr / (1 + snr);
  if (quality < options.minQuality) {
    return { bpm: null, quality, confidence: 'none', seconds, reason: 'no_pulse' };
  }
  return { bpm: peak.hz * 60, quality, confidence: confidenceOf(quality, true), seconds, reason: 'ok' };
}
