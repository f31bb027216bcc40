/**
 * The metrics the rPPG literature reports (as rPPG-Toolbox computes them): MAE, RMSE, MAPE and
 * Pearson's r between predicted and reference heart rates, and the SNR of a predicted pulse
 * against the reference rate. Arrays in, numbers out.
 */
import { periodogram } from '@pulsecam/dsp';

export interface RateErrors {
  mae: number;
  rmse: number;
  /** Mean absolute percentage error, %. */
  mape: number;
  /** Pearson correlation; null with fewer than 3 pairs or no variance. */
  pearson: number | null;
  n: number;
}

export function rateErrors(predicted: readonly number[], reference: readonly number[]): RateErrors {
  if (predicted.length !== reference.length) throw new RangeError('predicted and reference differ in length');
  const n = predicted.length;
  if (n === 0) return { mae: NaN, rmse: NaN, mape: NaN, pearson: null, n };
  let abs = 0;
  let sq = 0;
  let pct = 0;
  for (let i = 0; i < n; i++) {
    const e = predicted[i] - reference[i];
    abs += Math.abs(e);
    sq += e * e;
    pct += Math.abs(e) / reference[i];
  }
  return { mae: abs / n, rmse: Math.sqrt(sq / n), mape: (100 * pct) / n, pearson: pearson(predicted, reference), n };
}

export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 3) return null;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** The toolbox's band for heart rates: 0.75-2.5 Hz (45-150 bpm). */
export const HR_BAND_HZ: readonly [number, number] = [0.75, 2.5];

/** Zero-padding of the reference's periodogram: 8x the toolbox's grid, so a 10 s reference is not rounded to 3.5 bpm bins. */
const REFERENCE_PADDING = 8;

/**
 * Heart rate (bpm) at the periodogram peak inside the band: how the toolbox reads a reference
 * PPG, on a grid 8 times finer.
 */
export function spectralRate(signal: ArrayLike<number>, fs: number, band: readonly [number, number] = HR_BAND_HZ): number | null {
  const { hz, power } = periodogram(signal, fs, REFERENCE_PADDING * signal.length);
  let best = -1;
  for (let k = 0; k < hz.length; k++) if (hz[k] >= band[0] && hz[k] <= band[1] && (best < 0 || power[k] > power[best])) best = k;
  return best < 0 ? null : hz[best] * 60;
}

/**
 * SNR (dB) of a pulse against the reference rate: power within ±6 bpm of the rate and of its
 * second harmonic, over the rest of the power in the heart-rate band (de Haan & Jeanne 2013, as
 * rPPG-Toolbox computes it).
 */
export function pulseSnrDb(pulse: ArrayLike<number>, fs: number, referenceBpm: number, band: readonly [number, number] = HR_BAND_HZ): number {
  const { hz, power } = periodogram(pulse, fs);
  const f1 = referenceBpm / 60;
  const f2 = 2 * f1;
  const dev = 6 / 60;
  let signal = 0;
  let noise = 0;
  for (let k = 0; k < hz.length; k++) {
    const h = Math.abs(hz[k] - f1) <= dev || Math.abs(hz[k] - f2) <= dev;
    if (h) signal += power[k];
    else if (hz[k] >= band[0] && hz[k] <= band[1]) noise += power[k];
  }
  return 10 * Math.log10(signal / (noise || Number.MIN_VALUE));
}
