import FFT from 'fft.js';

/**
 * Power spectra via fft.js (radix-4, typed arrays, no dependencies). Windows are Hann-tapered
 * and zero-padded to a power of two for a fine frequency grid; peaks are refined by fitting
 * a parabola to the log power of the three bins around the maximum.
 */
export interface PowerSpectrum {
  /** Frequency of bin k is k * binHz. */
  binHz: number;
  power: Float64Array;
}

/**
 * One transform per size, with its input and output buffers: the estimator takes ~100 spectra per
 * estimate, and allocating two 2-4k arrays for each was a third of its time. Safe to share: a
 * spectrum is computed synchronously, start to end.
 */
interface Transform {
  fft: FFT;
  input: Float64Array;
  output: Float64Array;
}
const transforms = new Map<number, Transform>();

function transformOfSize(size: number): Transform {
  let t = transforms.get(size);
  if (!t) {
    t = { fft: new FFT(size), input: new Float64Array(size), output: new Float64Array(2 * size) };
    transforms.set(size, t);
  }
  return t;
}

/** Hann windows by length, computed once (read-only to callers). */
const hannCache = new Map<number, Float64Array>();

/** hannWindow(n), computed once per length: callers must not write to it. */
export function cachedHann(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = hannWindow(n);
    if (hannCache.size > 64) hannCache.clear();
    hannCache.set(n, w);
  }
  return w;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/** One-sided power spectrum of a Hann-windowed, mean-removed segment. */
export function powerSpectrum(
  signal: ArrayLike<number>,
  fs: number,
  minPadded = 4096,
  from = 0,
  to = signal.length,
): PowerSpectrum {
  const n = to - from;
  const size = Math.max(nextPowerOfTwo(n), minPadded);
  const { fft, input, output: out } = transformOfSize(size);
  const w = cachedHann(n);
  let m = 0;
  for (let i = from; i < to; i++) m += signal[i];
  m /= n || 1;
  for (let i = 0; i < n; i++) input[i] = (signal[from + i] - m) * w[i];
  input.fill(0, n);
  fft.realTransform(out as unknown as number[], input as unknown as number[]);
  const half = size / 2 + 1;
  const power = new Float64Array(half);
  for (let k = 0; k < half; k++) power[k] = out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1];
  return { binHz: fs / size, power };
}

export interface SpectralPeak {
  hz: number;
  power: number;
  bin: number;
}

/** Sub-bin peak position by a parabola through the log power of the peak bin and its neighbours. */
export function refinePeak(spectrum: PowerSpectrum, bin: number): SpectralPeak {
  const p = spectrum.power;
  let offset = 0;
  if (bin > 0 && bin < p.length - 1 && p[bin - 1] > 0 && p[bin] > 0 && p[bin + 1] > 0) {
    const a = Math.log(p[bin - 1]);
    const b = Math.log(p[bin]);
    const c = Math.log(p[bin + 1]);
    const denom = a - 2 * b + c;
    if (denom < 0) offset = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom));
  }
  return { hz: (bin + offset) * spectrum.binHz, power: p[bin], bin };
}

/** The highest bin inside [lowHz, highHz], refined. */
export function peakInBand(spectrum: PowerSpectrum, lowHz: number, highHz: number): SpectralPeak | null {
  const lo = Math.max(1, Math.ceil(lowHz / spectrum.binHz));
  const hi = Math.min(spectrum.power.length - 2, Math.floor(highHz / spectrum.binHz));
  let best = -1;
  for (let k = lo; k <= hi; k++) if (best < 0 || spectrum.power[k] > spectrum.power[best]) best = k;
  if (best < 0 || spectrum.power[best] <= 0) return null;
  return refinePeak(spectrum, best);
}

/**
 * Signal-to-noise ratio of a pulse at `hz` (de Haan & Jeanne 2013): power within `halfWidthHz`
 * of the fundamental and of its first harmonic, over the rest of the band.
 */
export function pulseSnr(spectrum: PowerSpectrum, hz: number, lowHz: number, highHz: number, halfWidthHz = 0.1): number {
  const lo = Math.max(1, Math.ceil(lowHz / spectrum.binHz));
  const hi = Math.min(spectrum.power.length - 1, Math.floor(highHz / spectrum.binHz));
  let signal = 0;
  let noise = 0;
  for (let k = lo; k <= hi; k++) {
    const f = k * spectrum.binHz;
    const near = Math.abs(f - hz) <= halfWidthHz || Math.abs(f - 2 * hz) <= halfWidthHz * 2;
    if (near) signal += spectrum.power[k];
    else noise += spectrum.power[k];
  }
  return noise > 0 ? signal / noise : signal > 0 ? Infinity : 0;
}

/**
 * Plain periodogram (mean removed, no taper) on the next power-of-two grid (at least `minSize`
 * points, zero-padded): the spectrum the rPPG literature's evaluation code reads reference and
 * predicted pulses from.
 */
export function periodogram(signal: ArrayLike<number>, fs: number, minSize = 2): { hz: Float64Array; power: Float64Array } {
  const size = nextPowerOfTwo(Math.max(2, minSize, signal.length));
  const { fft, input, output: out } = transformOfSize(size);
  let m = 0;
  for (let i = 0; i < signal.length; i++) m += signal[i];
  m /= signal.length || 1;
  for (let i = 0; i < signal.length; i++) input[i] = signal[i] - m;
  input.fill(0, signal.length);
  fft.realTransform(out as unknown as number[], input as unknown as number[]);
  const half = size / 2 + 1;
  const hz = new Float64Array(half);
  const power = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    hz[k] = (k * fs) / size;
    power[k] = out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1];
  }
  return { hz, power };
}
