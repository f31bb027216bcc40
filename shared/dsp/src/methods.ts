/**
 * rPPG methods: each turns uniformly sampled mean skin RGB into a pulse signal (arbitrary scale,
 * higher = more blood). They are the textbook algorithms, implemented as published.
 */
import { POS_WINDOW_SECONDS, WINDOW_WEIGHT_FLOOR } from './tuning.ts';
import { designBandPass, filtfilt } from './filters.ts';
import { hannWindow } from './spectrum.ts';
import { mean, normalizeByMovingMean, std } from './stats.ts';

export type Rgb = readonly [Float64Array, Float64Array, Float64Array];
export type MethodName = 'green' | 'chrom' | 'pos' | 'lgi' | 'omit';
export const METHOD_NAMES: readonly MethodName[] = ['green', 'chrom', 'pos', 'lgi', 'omit'];

export interface MethodOptions {
  fs: number;
  /** Pulse band used by CHROM's internal filter. */
  bandHz?: readonly [number, number];
}

function checkRgb(rgb: Rgb): number {
  const n = rgb[0].length;
  if (rgb[1].length !== n || rgb[2].length !== n) throw new RangeError('r, g and b must have equal length');
  return n;
}

/** GREEN (Verkruysse et al. 2008): the green channel alone, inverted so that more blood is up. */
export function green(rgb: Rgb): Float64Array {
  const n = checkRgb(rgb);
  const m = mean(rgb[1]) || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -(rgb[1][i] / m - 1);
  return out;
}


function shortWindow(fs: number, n: number): number {
  return Math.max(2, Math.min(n, Math.ceil(POS_WINDOW_SECONDS * fs)));
}

/** POS (Wang, den Brinker, Stuijk & de Haan 2017): plane orthogonal to skin, overlap-added. */
export function pos(rgb: Rgb, options: MethodOptions): Float64Array {
  const n = checkRgb(rgb);
  const l = shortWindow(options.fs, n);
  const out = new Float64Array(n);
  const s1 = new Float64Array(l);
  const s2 = new Float64Array(l);
  for (let start = 0; start + l <= n; start++) {
    const mr = mean(rgb[0], start, start + l) || 1;
    const mg = mean(rgb[1], start, start + l) || 1;
    const mb = mean(rgb[2], start, start + l) || 1;
    for (let i = 0; i < l; i++) {
      const r = rgb[0][start + i] / mr;
      const g = rgb[1][start + i] / mg;
      const b = rgb[2][start + i] / mb;
      s1[i] = g - b;
      s2[i] = -2 * r + g + b;
    }
    const sd2 = std(s2);
    const alpha = sd2 > 0 ? std(s1) / sd2 : 0;
    let hm = 0;
    for (let i = 0; i < l; i++) hm += s1[i] + alpha * s2[i];
    hm /= l;
    for (let i = 0; i < l; i++) out[start + i] += s1[i] + alpha * s2[i] - hm;
  }
  return out;
}

/**
 * CHROM (de Haan & Jeanne 2013): chrominance signals X = 3R - 2G and Y = 1.5R + G - 1.5B of the
 * mean-normalised colour, band-passed, combined as X - alpha*Y with alpha = std(X)/std(Y) per
 * Hann-windowed 1.6 s segment, and overlap-added. The band-pass runs over the whole trace rather
 * than inside each short window, which keeps rates below ~60 bpm (under two cycles per window)
 * from being distorted by the filter's edges.
 */
export function chrom(rgb: Rgb, options: MethodOptions): Float64Array {
  const n = checkRgb(rgb);
  const [lowHz, highHz] = options.bandHz ?? [0.7, 4];
  const l = shortWindow(options.fs, n) + (shortWindow(options.fs, n) % 2);
  const hop = l / 2;
  const win = hannWindow(l);
  const norm = rgb.map((c) => normalizeByMovingMean(c, l)) as unknown as Rgb;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 3 * norm[0][i] - 2 * norm[1][i];
    y[i] = 1.5 * norm[0][i] + norm[1][i] - 1.5 * norm[2][i];
  }
  const sections = designBandPass(lowHz, Math.min(highHz, options.fs / 2 - 0.1), options.fs, 4);
  const xf = filtfilt(x, sections);
  const yf = filtfilt(y, sections);
  // Overlap-add of half-overlapping Hann-weighted segments, the last one aligned to the newest
  // sample (so the newest half window is covered, not left at zero), each sample divided by the
  // weight it received (so the first and newest samples are not faded out either).
  const out = new Float64Array(n);
  const weight = new Float64Array(n);
  const starts: number[] = [];
  for (let start = 0; start + l <= n; start += hop) starts.push(start);
  if (starts.length === 0 || starts[starts.length - 1] + l < n) starts.push(Math.max(0, n - l));
  for (const start of starts) {
    const end = Math.min(n, start + l);
    const sy = std(yf, start, end);
    const alpha = sy > 0 ? std(xf, start, end) / sy : 0;
    for (let i = start; i < end; i++) {
      const w = win[i - start] + WINDOW_WEIGHT_FLOOR;
      out[i] += (xf[i] - alpha * yf[i]) * w;
      weight[i] += w;
    }
  }
  for (let i = 0; i < n; i++) if (weight[i] > 0) out[i] /= weight[i];
  return out;
}

/** Unit eigenvector of the largest eigenvalue of a symmetric 3x3 matrix (power iteration). */
function principalDirection(m: number[][]): [number, number, number] {
  let v: [number, number, number] = [1, 1, 1];
  for (let iter = 0; iter < 100; iter++) {
    const w: [number, number, number] = [
      m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
      m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
      m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    ];
    const norm = Math.hypot(w[0], w[1], w[2]);
    if (norm === 0) return [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
    v = [w[0] / norm, w[1] / norm, w[2] / norm];
  }
  return v;
}

/** Green row of (I - u u^T) C: C projected onto the plane orthogonal to direction u. */
function projectOut(rgb: Rgb, u: readonly [number, number, number]): Float64Array {
  const n = rgb[0].length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dot = u[0] * rgb[0][i] + u[1] * rgb[1][i] + u[2] * rgb[2][i];
    out[i] = rgb[1][i] - u[1] * dot;
  }
  return out;
}

/** LGI (Pilz et al. 2018): remove the principal colour direction (local group invariance). */
export function lgi(rgb: Rgb): Float64Array {
  const n = checkRgb(rgb);
  const cov = [0, 1, 2].map((a) =>
    [0, 1, 2].map((b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += rgb[a][i] * rgb[b][i];
      return s;
    }),
  );
  return projectOut(rgb, principalDirection(cov));
}

/**
 * OMIT (Casado & López 2023): QR decomposition of the 3xN colour matrix; the projection removes
 * Q's first column (the direction of the first colour sample), leaving the orthogonal variation.
 */
export function omit(rgb: Rgb): Float64Array {
  checkRgb(rgb);
  const first: [number, number, number] = [rgb[0][0], rgb[1][0], rgb[2][0]];
  const norm = Math.hypot(...first) || 1;
  return projectOut(rgb, [first[0] / norm, first[1] / norm, first[2] / norm]);
}

export function pulseSignal(method: MethodName, rgb: Rgb, options: MethodOptions): Float64Array {
  switch (method) {
    case 'green':
      return green(rgb);
    case 'chrom':
      return chrom(rgb, options);
    case 'pos':
      return pos(rgb, options);
    case 'lgi':
      return lgi(rgb);
    case 'omit':
      return omit(rgb);
  }
}
