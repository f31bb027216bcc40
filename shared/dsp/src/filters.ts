/**
 * Zero-phase Butterworth band-pass filtering built from second-order sections (bilinear transform
 * with pre-warping), applied forward and backward so the pulse waveform keeps its timing.
 */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function highPassSection(fc: number, fs: number, q: number): Biquad {
  const w = Math.tan((Math.PI * fc) / fs);
  const norm = 1 / (1 + w / q + w * w);
  return { b0: norm, b1: -2 * norm, b2: norm, a1: 2 * (w * w - 1) * norm, a2: (1 - w / q + w * w) * norm };
}

function lowPassSection(fc: number, fs: number, q: number): Biquad {
  const w = Math.tan((Math.PI * fc) / fs);
  const norm = 1 / (1 + w / q + w * w);
  return {
    b0: w * w * norm,
    b1: 2 * w * w * norm,
    b2: w * w * norm,
    a1: 2 * (w * w - 1) * norm,
    a2: (1 - w / q + w * w) * norm,
  };
}

/** Q factors of the second-order sections of an even-order Butterworth filter. */
function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 0; k < order / 2; k++) {
    qs.push(1 / (2 * Math.sin(((2 * k + 1) * Math.PI) / (2 * order))));
  }
  return qs;
}

/** Band-pass as a high-pass cascade followed by a low-pass cascade, each of `order` (even). */
export function designBandPass(lowHz: number, highHz: number, fs: number, order = 4): Biquad[] {
  if (!(lowHz > 0 && highHz > lowHz && highHz < fs / 2)) {
    throw new RangeError(`band ${lowHz}-${highHz} Hz does not fit sampling rate ${fs} Hz`);
  }
  if (order % 2 !== 0) throw new RangeError('order must be even');
  const qs = butterworthQs(order);
  return [...qs.map((q) => highPassSection(lowHz, fs, q)), ...qs.map((q) => lowPassSection(highHz, fs, q))];
}

export function designLowPass(cutoffHz: number, fs: number, order = 4): Biquad[] {
  return butterworthQs(order).map((q) => lowPassSection(cutoffHz, fs, q));
}

function runSection(x: Float64Array, s: Biquad): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  // Start in steady state for the first value to avoid a large edge transient.
  const dcGain = (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
  if (x.length > 0 && Number.isFinite(dcGain)) {
    x1 = x2 = x[0];
    y1 = y2 = x[0] * dcGain;
  }
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = s.b0 * xi + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = yi;
    x[i] = yi;
  }
}

/**
 * Forward-backward filtering. The signal is extended at both ends by odd reflection (as
 * scipy's filtfilt does) so the edges carry no start-up transient.
 */
export function filtfilt(signal: ArrayLike<number>, sections: Biquad[], padSamples?: number): Float64Array {
  const n = signal.length;
  if (n === 0) return new Float64Array(0);
  const pad = Math.min(padSamples ?? 3 * 2 * sections.length * 4, n - 1);
  const ext = new Float64Array(n + 2 * pad);
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * signal[0] - signal[pad - i];
    ext[n + pad + i] = 2 * signal[n - 1] - signal[n - 2 - i];
  }
  for (let i = 0; i < n; i++) ext[pad + i] = signal[i];
  for (const s of sections) runSection(ext, s);
  ext.reverse();
  for (const s of sections) runSection(ext, s);
  ext.reverse();
  return ext.slice(pad, pad + n);
}
