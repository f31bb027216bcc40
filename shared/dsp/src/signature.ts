/**
 * Does a colour variation look like blood? Blood volume changes skin colour along a known
 * direction: green most, blue less, red least (haemoglobin absorption; de Haan & van Leest 2014,
 * "Improved motion robustness of remote-PPG by using the blood volume pulse signature"). Light
 * and exposure changes move all three normalised channels alike; white balance moves red and
 * blue against green. Projected on the plane orthogonal to (1, 1, 1), the pulse points one way,
 * light not at all, and noise anywhere.
 */

/** Normalised blood-volume pulse signature (red, green, blue), relative amplitudes. */
export const PULSE_RGB_SIGNATURE: readonly [number, number, number] = [0.33, 0.77, 0.53];

/** The signature with its intensity (mean) part removed, as a unit vector. */
const CHROMA_DIRECTION = (() => {
  const m = (PULSE_RGB_SIGNATURE[0] + PULSE_RGB_SIGNATURE[1] + PULSE_RGB_SIGNATURE[2]) / 3;
  const v = PULSE_RGB_SIGNATURE.map((x) => x - m);
  const n = Math.hypot(v[0], v[1], v[2]);
  return v.map((x) => x / n) as [number, number, number];
})();

export interface PulseSignature {
  /** Share (0…1) of the oscillation at the frequency that is colour change rather than brightness change. */
  chromaShare: number;
  /** Cosine (-1…1) between that colour change and the pulse's: ~1 for blood, anything for noise. */
  alignment: number;
}

/** The channels' oscillation at one frequency, phase-aligned: a real 3-vector, and its total energy. */
export interface ColourOscillation {
  inPhase: [number, number, number];
  energy: number;
}

/**
 * Hann-tapered cosine and sine at `w` radians per sample over n samples. The regions of one window
 * share them (same length and rate), so the newest pair is kept.
 */
let lastBasis: { n: number; w: number; cos: Float64Array; sin: Float64Array } | null = null;
function taperedBasis(n: number, w: number): { cos: Float64Array; sin: Float64Array } {
  if (lastBasis && lastBasis.n === n && lastBasis.w === w) return lastBasis;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    cos[i] = Math.cos(w * i) * hann;
    sin[i] = Math.sin(w * i) * hann;
  }
  lastBasis = { n, w, cos, sin };
  return lastBasis;
}

/**
 * The channels' Fourier coefficients at `hz` (Hann-weighted), phase-aligned to their
 * signature-weighted common component (the pulse's phase when there is one). `channels` are
 * mean-normalised (relative) colour signals, zero-mean, on a uniform grid.
 */
export function colourOscillation(channels: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>], fs: number, hz: number): ColourOscillation {
  const n = channels[0].length;
  const none: ColourOscillation = { inPhase: [0, 0, 0], energy: 0 };
  if (n < 4 || !(hz > 0)) return none;
  const w = (2 * Math.PI * hz) / fs;
  const { cos, sin } = taperedBasis(n, w);
  const [ch0, ch1, ch2] = channels;
  let re0 = 0;
  let re1 = 0;
  let re2 = 0;
  let im0 = 0;
  let im1 = 0;
  let im2 = 0;
  for (let i = 0; i < n; i++) {
    const c = cos[i];
    const s = sin[i];
    re0 += ch0[i] * c;
    im0 -= ch0[i] * s;
    re1 += ch1[i] * c;
    im1 -= ch1[i] * s;
    re2 += ch2[i] * c;
    im2 -= ch2[i] * s;
  }
  const re = [re0, re1, re2];
  const im = [im0, im1, im2];
  let pr = 0;
  let pi = 0;
  for (let k = 0; k < 3; k++) {
    pr += PULSE_RGB_SIGNATURE[k] * re[k];
    pi += PULSE_RGB_SIGNATURE[k] * im[k];
  }
  const pn = Math.hypot(pr, pi);
  if (pn === 0) return none;
  return {
    inPhase: [0, 1, 2].map((k) => (re[k] * pr + im[k] * pi) / pn) as [number, number, number],
    energy: re.reduce((acc, _, k) => acc + re[k] * re[k] + im[k] * im[k], 0),
  };
}

/**
 * How blood-like a sum of oscillations is: split into a brightness part (equal in all channels)
 * and a colour part, the colour part compared with the pulse's. Oscillations measured in several
 * regions and windows are summed first: a pulse adds up coherently (same direction everywhere),
 * motion artefacts and noise do not. A clean pulse has chromaShare ~0.3 and alignment ~1; a
 * light change chromaShare ~0; white-balance wander or noise an alignment anywhere.
 */
export function pulseSignature(oscillations: readonly ColourOscillation[]): PulseSignature {
  const a = [0, 0, 0];
  let energy = 0;
  for (const o of oscillations) {
    for (let k = 0; k < 3; k++) a[k] += o.inPhase[k];
    energy += o.energy;
  }
  const m = (a[0] + a[1] + a[2]) / 3;
  const chroma = a.map((x) => x - m);
  const chromaNorm = Math.hypot(chroma[0], chroma[1], chroma[2]);
  const norm = Math.hypot(a[0], a[1], a[2]);
  if (energy === 0 || chromaNorm === 0 || norm === 0) return { chromaShare: 0, alignment: 0 };
  return {
    chromaShare: chromaNorm / norm,
    alignment: (chroma[0] * CHROMA_DIRECTION[0] + chroma[1] * CHROMA_DIRECTION[1] + chroma[2] * CHROMA_DIRECTION[2]) / chromaNorm,
  };
}
