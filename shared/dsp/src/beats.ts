/**
 * Beat-to-beat analysis of a pulse waveform: systolic peaks with sub-sample timing, inter-beat
 * intervals cleaned of missed and extra beats, RMSSD, and breathing rate from the three ways
 * breathing shows in a pulse (amplitude, rate and baseline modulation).
 */
import { designBandPass, filtfilt } from './filters.ts';
import { resampleUniform } from './resample.ts';
import { peakInBand, powerSpectrum, pulseSnr } from './spectrum.ts';
import { median } from './stats.ts';

export interface Beat {
  /** Peak time in seconds from the start of the waveform. */
  t: number;
  amplitude: number;
  /** Waveform minimum before the peak (the beat's foot). */
  foot: number;
}

/** Systolic peaks at least 65 % of a beat apart, timed by a parabola through the peak sample. */
export function detectBeats(pulse: ArrayLike<number>, fs: number, bpm: number): Beat[] {
  const minGap = Math.max(2, Math.floor(0.65 * (60 / bpm) * fs));
  const n = pulse.length;
  const beats: Beat[] = [];
  let lastIndex = -Infinity;
  for (let i = 1; i < n - 1; i++) {
    if (!(pulse[i] > pulse[i - 1] && pulse[i] >= pulse[i + 1] && pulse[i] > 0)) continue;
    // Local maximum over the refractory span around it.
    let isMax = true;
    for (let j = Math.max(0, i - minGap); j <= Math.min(n - 1, i + minGap); j++) {
      if (pulse[j] > pulse[i]) {
        isMax = false;
        break;
      }
    }
    if (!isMax || i - lastIndex < minGap) continue;
    const a = pulse[i - 1];
    const b = pulse[i];
    const c = pulse[i + 1];
    const denom = a - 2 * b + c;
    const offset = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
    let foot = b;
    for (let j = i; j >= Math.max(0, i - minGap); j--) foot = Math.min(foot, pulse[j]);
    beats.push({ t: (i + offset) / fs, amplitude: b - foot, foot });
    lastIndex = i;
  }
  return beats;
}

export interface HrvEstimate {
  /** Accepted inter-beat intervals, ms, in order. */
  ibiMs: number[];
  rmssdMs: number | null;
  meanIbiMs: number | null;
  /** 0-1: share of intervals accepted, discounted for few beats. */
  quality: number;
}

/**
 * Inter-beat intervals more than 20 % away from the reference interval (the period of the
 * spectral heart rate when given, else the median interval) are taken as missed or false beats
 * and dropped (with the successive difference they would join). RMSSD needs at least 8 accepted
 * successive pairs.
 */
export function heartRateVariability(beats: Beat[], expectedIbiMs?: number): HrvEstimate {
  const raw: number[] = [];
  for (let i = 1; i < beats.length; i++) raw.push((beats[i].t - beats[i - 1].t) * 1000);
  if (raw.length < 3) return { ibiMs: [], rmssdMs: null, meanIbiMs: null, quality: 0 };
  const m = expectedIbiMs ?? median(raw);
  const ok = raw.map((v) => Math.abs(v - m) <= 0.2 * m);
  const ibiMs = raw.filter((_, i) => ok[i]);
  let sum = 0;
  let pairs = 0;
  for (let i = 1; i < raw.length; i++) {
    if (ok[i] && ok[i - 1]) {
      sum += (raw[i] - raw[i - 1]) ** 2;
      pairs++;
    }
  }
  const acceptance = ibiMs.length / raw.length;
  const quality = acceptance * Math.min(1, pairs / 20);
  return {
    ibiMs: ibiMs.map((v) => Math.round(v * 10) / 10),
    rmssdMs: pairs >= 8 ? Math.sqrt(sum / pairs) : null,
    meanIbiMs: ibiMs.length ? ibiMs.reduce((a, b) => a + b, 0) / ibiMs.length : null,
    quality: pairs >= 8 ? quality : 0,
  };
}

export interface RespirationEstimate {
  /** Breaths per minute, or null. */
  rate: number | null;
  quality: number;
}

/**
 * Breathing rate from beat series: amplitude, interval and baseline each resampled to 4 Hz,
 * their spectra (6-36 breaths/min) normalised and summed, and the common peak taken. Needs
 * about four breaths of signal.
 */
export function respirationFromBeats(beats: Beat[], band: readonly [number, number] = [0.1, 0.6]): RespirationEstimate {
  if (beats.length < 12) return { rate: null, quality: 0 };
  const span = beats[beats.length - 1].t - beats[0].t;
  if (span < 4 / band[1] + 4) return { rate: null, quality: 0 };
  const times = beats.slice(1).map((b) => b.t);
  const series = [
    beats.slice(1).map((b) => b.amplitude),
    beats.slice(1).map((b, i) => b.t - beats[i].t),
    beats.slice(1).map((b) => b.foot),
  ];
  const fs = 4;
  const u = resampleUniform(times, series, fs);
  const filter = designBandPass(band[0] * 0.8, Math.min(band[1] * 1.3, fs / 2 - 0.1), fs, 2);
  const combined = new Float64Array(powerSpectrum(new Float64Array(u.channels[0].length), fs, 1024).power.length);
  let binHz = 0;
  for (const ch of u.channels) {
    const spec = powerSpectrum(filtfilt(ch, filter), fs, 1024);
    binHz = spec.binHz;
    let total = 0;
    for (let k = 0; k < spec.power.length; k++) if (k * binHz >= band[0] && k * binHz <= band[1]) total += spec.power[k];
    if (total > 0) for (let k = 0; k < spec.power.length; k++) combined[k] += spec.power[k] / total;
  }
  const spec = { binHz, power: combined };
  const peak = peakInBand(spec, band[0], band[1]);
  if (!peak) return { rate: null, quality: 0 };
  const snr = pulseSnr(spec, peak.hz, band[0], band[1], 0.03);
  const quality = snr / (1 + snr);
  return { rate: quality >= 0.25 ? peak.hz * 60 : null, quality };
}
