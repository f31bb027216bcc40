/**
 * The Pulsecam estimator: what the textbook methods leave on the table, put back.
 *
 * 1. Several skin regions (forehead, both cheeks, and their pixel-weighted union) are candidates;
 *    each is weighted by its own pulse SNR, so a region swept by glare or shadow counts less.
 * 2. Per analysis window, the parts of the colour signals explained by head motion (face centre,
 *    size, roll and their rates, from the landmarks) and by scene light (the background's colour)
 *    are regressed out before the pulse is formed. This removes in-band head bobs, flicker, and
 *    camera gain changes that a projection like POS cannot tell from a pulse.
 * 3. The pulse is formed per region with POS's plane-orthogonal-to-skin projection on the cleaned,
 *    mean-normalised channels (which also normalises out slow per-channel camera gains).
 * 4. Instead of each window's argmax, a Viterbi tracker runs over the spectra of overlapping
 *    windows (one every TRACKER_STEP_SECONDS across the buffer), preferring continuity (heart
 *    rate changes by a few bpm per second at most) and rewarding a first harmonic, then refines
 *    the final peak. The windows sit one step apart in capture time; a live session hands the
 *    tracker's reading of them (TrackerHistory) from one estimate to the next, so only new
 *    windows are analysed.
 * 5. Quality is the tracked peak's share of in-band power, discounted when recent windows disagree
 *    with the track; below a threshold the answer is null.
 * 6. The peak must look like blood (signature.ts): at the tracked rate, the skin's colour must
 *    change along the blood-volume pulse's direction, not just brighten and darken, consistently
 *    over the regions and the last windows. A photo, a mask or a screen under changing light has
 *    in-band power too, but not that colour change: then the answer is null and the reason
 *    `no_pulse`, whatever the peak's quality.
 */
import { designBandPass, filtfiltMany } from './filters.ts';
import type { HeartRateEstimate } from './heart-rate.ts';
import { confidenceOf } from './heart-rate.ts';
import { Regression } from './linalg.ts';
import { resampleUniform } from './resample.ts';
import { cachedHann, nextPowerOfTwo, powerSpectrum, pulseSnr, refinePeak, type PowerSpectrum } from './spectrum.ts';
import { colourOscillation, pulseSignature, type ColourOscillation, type PulseSignature } from './signature.ts';
import { mean, normalizeByMovingMean, std } from './stats.ts';
import {
  AGREEMENT_FLOOR,
  FULL_RATE_GRID_HZ,
  GRID_HYSTERESIS_FPS,
  HARMONIC_WEIGHT,
  LOW_RATE_GRID_BELOW_FPS,
  LOW_RATE_GRID_HZ,
  MIN_CHROMA_SHARE,
  MIN_QUALITY_PLAIN,
  minQualityRichAt,
  MIN_SIGNATURE_ALIGNMENT,
  MIN_WINDOW_ALIGNMENT_PLAIN,
  NORMALIZATION_SECONDS,
  POS_WINDOW_SECONDS,
  PROCESS_BAND_ABOVE_HZ,
  PROCESS_BAND_BELOW_HZ,
  PROCESS_BAND_FLOOR_HZ,
  PROCESS_BAND_NYQUIST_MARGIN_HZ,
  REFINE_SPAN_BPM,
  SPECTRUM_SIZE,
  TRACK_AGREEMENT_BPM,
  TRACK_AGREEMENT_SECONDS,
  TRACKER_BPM_PER_SECOND,
  TRACKER_HISTORY_SECONDS,
  TRACKER_STEP_SECONDS,
} from './tuning.ts';

type Channels = readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];

export interface RichTrace {
  /** Capture times in seconds, ascending. */
  t: ArrayLike<number>;
  /** Mean skin colour over all regions. */
  skin: Channels;
  /** Mean colour of each skin region (optional: client-supplied traces have only `skin`). */
  regions?: Channels[];
  /** Face pose per sample: centre x/y and size in pixels, roll in radians (optional). */
  pose?: { cx: ArrayLike<number>; cy: ArrayLike<number>; size: ArrayLike<number>; roll: ArrayLike<number> };
  /** Mean colour of the scene around the face (optional). */
  background?: Channels;
}

export interface PulsecamOptions {
  /** Rate (Hz) of the uniform grid the trace is resampled onto; unset: gridRateFor() of the trace's own rate (and the history's grid). */
  fs: number;
  windowSeconds: number;
  minSeconds: number;
  bandHz: readonly [number, number];
  /** Least quality answered for a rich trace; unset: minQualityRichAt() of the trace's frame rate (tuning.ts). */
  minQuality?: number;
  /** Least quality answered for a plain trace, one mean colour per sample (MIN_QUALITY_PLAIN). */
  minQualityPlain: number;
  /** Spacing of the tracker's analysis windows. */
  stepSeconds: number;
  /** How fast heart rate may plausibly change: standard deviation of the tracker's step, bpm/s. */
  trackerBpmPerSecond: number;
  /** Seconds of history the tracker looks back over. */
  historySeconds: number;
  /** Least colour share of the oscillation at the tracked rate (blood-signature check; see MIN_CHROMA_SHARE). */
  minChromaShare: number;
}

export const DEFAULT_PULSECAM_OPTIONS: PulsecamOptions = {
  fs: FULL_RATE_GRID_HZ,
  windowSeconds: 10,
  minSeconds: 6,
  bandHz: [0.7, 4],
  minQualityPlain: MIN_QUALITY_PLAIN,
  stepSeconds: TRACKER_STEP_SECONDS,
  trackerBpmPerSecond: TRACKER_BPM_PER_SECOND,
  historySeconds: TRACKER_HISTORY_SECONDS,
  minChromaShare: MIN_CHROMA_SHARE,
};

export interface PulsecamEstimate extends HeartRateEstimate {
  /** Motion- and light-cleaned pulse over the whole trace (best region), on the uniform grid. */
  pulse: Float64Array;
  fs: number;
  /** How the colour change at the tracked rate compares with blood's, over every region and window checked. */
  signature: PulseSignature;
  /** Each window checked on its own: the newest, then (when the buffer holds them) half a window and a window older. */
  signatures: PulseSignature[];
  /** The tracked rate, also when it was not answered (for calibration and diagnostics). */
  candidateBpm: number | null;
  /** The tracker's windows, for the next estimate of this trace (null when none were analysed). */
  history: TrackerHistory | null;
}


const EMPTY = new Float64Array(0);

/**
 * The grid for a trace measured at `fps` frames a second: 30 Hz, or 15 below 20 fps (tuning.ts,
 * LOW_RATE_GRID_HZ). `previous`, the grid the trace's previous estimate used, is kept while the
 * rate is within GRID_HYSTERESIS_FPS of the boundary.
 */
export function gridRateFor(fps: number, previous?: number): number {
  const known = previous === LOW_RATE_GRID_HZ || previous === FULL_RATE_GRID_HZ;
  if (known && Math.abs(fps - LOW_RATE_GRID_BELOW_FPS) <= GRID_HYSTERESIS_FPS) return previous;
  return fps > 0 && fps < LOW_RATE_GRID_BELOW_FPS ? LOW_RATE_GRID_HZ : FULL_RATE_GRID_HZ;
}

/** Zero-padded spectrum length on a grid of `fs` Hz: SPECTRUM_SIZE's bin width (0.88 bpm) at every rate. */
function spectrumSizeAt(fs: number): number {
  return nextPowerOfTwo(Math.round((SPECTRUM_SIZE * fs) / FULL_RATE_GRID_HZ));
}

/** POS projection on mean-normalised, zero-mean channels, overlap-added over 1.6 s windows. */
function posOnNormalized(x: readonly Float64Array[], fs: number): Float64Array {
  const n = x[0].length;
  const l = Math.max(2, Math.min(n, Math.ceil(POS_WINDOW_SECONDS * fs)));
  const out = new Float64Array(n);
  const s1 = new Float64Array(l);
  const s2 = new Float64Array(l);
  const win = cachedHann(l);
  const hop = Math.max(1, Math.floor(l / 4));
  const [red, green, blue] = x;
  for (let start = 0; ; start += hop) {
    const s = Math.min(start, n - l);
    for (let i = 0; i < l; i++) {
      const r = red[s + i];
      const g = green[s + i];
      const b = blue[s + i];
      s1[i] = g - b;
      s2[i] = -2 * r + g + b;
    }
    const sd2 = std(s2);
    const alpha = sd2 > 0 ? std(s1) / sd2 : 0;
    for (let i = 0; i < l; i++) out[s + i] += (s1[i] + alpha * s2[i]) * win[i];
    if (s === n - l) break;
  }
  return out;
}

/** The green channel, inverted so blood volume is up. */
function greenPulse(x: readonly Float64Array[]): Float64Array {
  const green = x[1];
  const out = new Float64Array(green.length);
  for (let i = 0; i < green.length; i++) out[i] = -green[i];
  return out;
}

/** In-band power normalised to sum 1 (so regions of different brightness compare). */
function normalizeInBand(s: PowerSpectrum, lo: number, hi: number): void {
  let total = 0;
  for (let k = lo; k <= hi; k++) total += s.power[k];
  if (total > 0) for (let k = 0; k < s.power.length; k++) s.power[k] /= total;
}

/**
 * The largest power within a bin of `hz` (0 off the spectrum's ends). Kept at module level: the
 * tracker reads it hundreds of times per window, and a closure declared inside the loop costs a
 * function object (and, under tsx, a naming call) per read.
 */
function powerNear(s: PowerSpectrum, hz: number): number {
  const k = Math.round(hz / s.binHz);
  if (k < 1 || k + 1 >= s.power.length) return 0;
  return Math.max(s.power[k - 1], s.power[k], s.power[k + 1]);
}

interface WindowSpectrum {
  combined: PowerSpectrum;
  /** Index of the region with the clearest pulse in this window. */
  bestCandidate: number;
  /** The tracker's log-emission per state (minBpm…maxBpm, 1 bpm apart). */
  emission: Float32Array;
  /** The window's own in-band peak, bpm. */
  peakBpm: number;
  /** The window's motion- and light-cleaned channels per region, kept for the windows the blood check reads. */
  cleaned?: Float64Array[][];
}

/** One window of the tracker's sequence: its end on the uniform grid (exclusive) and what the tracker reads of it. */
type SequenceWindow = { end: number; emission: Float32Array; peakBpm: number } & Partial<WindowSpectrum>;

/**
 * One analysis window as the tracker reads it, kept between the estimates of a live session so
 * that each estimate analyses only the windows that are new (see `history` of estimatePulsecam).
 */
export interface TrackerWindow {
  /** Capture time (s) of the window's last grid point, on the tracker's lattice. */
  endT: number;
  /** Input samples inside the window when it was analysed: a sample arriving late there makes it stale. */
  samples: number;
  /** The window's own in-band peak, bpm. */
  peakBpm: number;
  /**
   * Log-emission per tracker state, one per bpm from the band's low edge. Single precision: a
   * live session stores 20 of these with every estimate, and the tracker reads them the same
   * whether they were kept or just computed.
   */
  emission: Float32Array;
}

export interface TrackerHistory {
  /** What the windows were analysed with (version, options, the trace's shape): another layout starts afresh. */
  layout: string;
  /** Oldest first, one step apart. */
  windows: TrackerWindow[];
}

/** Bump when the window analysis changes, so histories kept by an older version are not read. */
const TRACKER_LAYOUT_VERSION = 2;

function trackerLayout(o: PulsecamOptions, projections: number, refs: number, windowLength: number): string {
  return [TRACKER_LAYOUT_VERSION, o.fs, windowLength, o.stepSeconds, o.historySeconds, o.bandHz.join('-'), spectrumSizeAt(o.fs), projections, refs].join('|');
}

/** The grid (Hz) a history's windows were analysed on (trackerLayout's second field); undefined for none. */
function gridOfLayout(history: TrackerHistory | null): number | undefined {
  const fs = history ? Number(history.layout.split('|')[1]) : Number.NaN;
  return Number.isFinite(fs) ? fs : undefined;
}

/** Index of the first value >= x in an ascending list. */
function lowerBound(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The tracker's Viterbi pass over windows ending at `ends` (grid indexes, `step` apart except
 * perhaps the newest): log-emissions per state (1 bpm apart), Gaussian transitions of `sigma`
 * states per step (narrower over a shorter last step). Returns the final scores and, per window,
 * where each state's best path came from.
 */
function viterbi(emissions: Float32Array[], ends: number[], step: number, sigma: number): { score: Float64Array; from: Int16Array[] } {
  const states = emissions[0].length;
  let score = Float64Array.from(emissions[0]);
  const from: Int16Array[] = [new Int16Array(states)];
  for (let w = 1; w < emissions.length; w++) {
    // The newest window may sit less than a step after the lattice's newest: a shorter step, a narrower transition.
    const stepSigma = sigma * Math.sqrt(Math.min(1, (ends[w] - ends[w - 1]) / step));
    const reach = Math.ceil(4 * stepSigma);
    const penalty = new Float64Array(2 * reach + 1);
    for (let d = -reach; d <= reach; d++) penalty[d + reach] = (d * d) / (2 * stepSigma * stepSigma);
    const next = new Float64Array(states);
    const back = new Int16Array(states);
    const emission = emissions[w];
    for (let s = 0; s < states; s++) {
      let best = -Infinity;
      let bestFrom = 0;
      const first = Math.max(0, s - reach);
      const last = Math.min(states - 1, s + reach);
      for (let p = first; p <= last; p++) {
        const v = score[p] - penalty[p - s + reach];
        if (v > best) {
          best = v;
          bestFrom = p;
        }
      }
      back[s] = bestFrom;
      next[s] = best + emission[s];
    }
    from.push(back);
    score = next;
  }
  return { score, from };
}

/**
 * Heart rate from a rich trace. `history` is what the previous estimate of the same live trace
 * returned (`estimate.history`): its windows are reused where the trace is unchanged, so a session
 * estimated every few seconds analyses the one or two windows that are new (and the newest)
 * instead of the whole buffer. Without it every window is analysed (the result is then the same
 * as with an empty history).
 */
export function estimatePulsecam(trace: RichTrace, partial: Partial<PulsecamOptions> = {}, history: TrackerHistory | null = null): PulsecamEstimate {
  const n = trace.t.length;
  const seconds = n >= 2 ? trace.t[n - 1] - trace.t[0] : 0;
  const o = { ...DEFAULT_PULSECAM_OPTIONS, ...partial, fs: partial.fs ?? gridRateFor(seconds > 0 ? (n - 1) / seconds : 0, gridOfLayout(history)) };
  const none = (reason: HeartRateEstimate['reason'], quality = 0): PulsecamEstimate => ({
    bpm: null,
    quality,
    confidence: 'none',
    seconds,
    reason,
    pulse: EMPTY,
    fs: o.fs,
    signature: { chromaShare: 0, alignment: 0 },
    signatures: [],
    candidateBpm: null,
    history: null,
  });
  if (n < 8 || seconds < o.minSeconds) return none('not_enough_signal');

  // Everything onto one uniform grid.
  const series: ArrayLike<number>[] = [...trace.skin];
  const regionOffset = series.length;
  for (const r of trace.regions ?? []) series.push(...r);
  const poseOffset = series.length;
  if (trace.pose) series.push(trace.pose.cx, trace.pose.cy, trace.pose.size, trace.pose.roll);
  const bgOffset = series.length;
  if (trace.background) series.push(...trace.background);
  const uniform = resampleUniform(trace.t, series, o.fs);
  const u = uniform.channels;
  const total = u[0].length;
  const fs = o.fs;

  // Tight low edge, and a normalisation window whose sidelobe stays below the band (tuning.ts).
  const processBand = designBandPass(
    Math.max(PROCESS_BAND_FLOOR_HZ, o.bandHz[0] - PROCESS_BAND_BELOW_HZ),
    Math.min(fs / 2 - PROCESS_BAND_NYQUIST_MARGIN_HZ, o.bandHz[1] + PROCESS_BAND_ABOVE_HZ),
    fs,
    4,
  );
  const normWindow = Math.round(NORMALIZATION_SECONDS * fs);
  const regionCount = trace.regions?.length ?? 0;

  // Every channel the estimator reads, band-limited in one pass (filtfiltMany runs four at a
  // time): the skin's and each region's colour and the background's, normalised by their moving
  // mean; the head's centre and size in face sizes, and its roll.
  const colourChannels = [0, 1, 2].map((c) => u[c]);
  for (let r = 0; r < regionCount; r++) for (let c = 0; c < 3; c++) colourChannels.push(u[regionOffset + 3 * r + c]);
  if (trace.background) for (let c = 0; c < 3; c++) colourChannels.push(u[bgOffset + c]);
  const poseChannels: Float64Array[] = [];
  if (trace.pose) {
    const size = mean(u[poseOffset + 2]) || 1;
    for (let j = 0; j < 4; j++) {
      const raw = u[poseOffset + j];
      const scaled = new Float64Array(total);
      for (let i = 0; i < total; i++) scaled[i] = j === 3 ? raw[i] : raw[i] / size;
      poseChannels.push(scaled);
    }
  }
  const filtered = filtfiltMany([...colourChannels.map((x) => normalizeByMovingMean(x, normWindow)), ...poseChannels], processBand);
  const colours = filtered.slice(0, colourChannels.length);
  const poses = filtered.slice(colourChannels.length);

  // Candidate regions: the union, and each region when present; each region twice, once with
  // POS's chrominance projection (robust to intensity changes) and once as the green channel
  // (robust to chrominance noise from compression and landmark jitter). SNR weighting decides.
  const regionsRgb: Float64Array[][] = [];
  for (let r = 0; r <= regionCount; r++) regionsRgb.push(colours.slice(3 * r, 3 * r + 3));
  const projections = regionsRgb.length;
  const candidateCount = 2 * projections;
  const pulseOf = (index: number, clean: Float64Array[], rate: number) => (index < projections ? posOnNormalized(clean, rate) : greenPulse(clean));

  // Reference signals: head motion (in face sizes) and its rate, and scene light.
  const refs: Float64Array[] = [];
  poses.forEach((band, j) => {
    refs.push(band);
    if (j < 2) {
      const rate = new Float64Array(total);
      for (let i = 1; i < total; i++) rate[i] = band[i] - band[i - 1];
      refs.push(rate);
    }
  });
  if (trace.background) refs.push(...colours.slice(3 * (regionCount + 1)));

  const windowLength = Math.min(total, Math.round(o.windowSeconds * fs));
  const step = Math.max(1, Math.round(o.stepSeconds * fs));
  const dt = 1 / fs;
  const gridT = (index: number) => uniform.start + index * dt;
  const newestT = gridT(total - 1);

  const spectrumSize = spectrumSizeAt(fs);
  const probe = powerSpectrum(new Float64Array(windowLength), fs, spectrumSize);
  const binHz = probe.binHz;
  const lo = Math.max(1, Math.ceil(o.bandHz[0] / binHz));
  const hi = Math.floor(o.bandHz[1] / binHz);

  // Viterbi over a 1-bpm grid: emissions from harmonic-enhanced spectra, Gaussian transitions.
  const minBpm = Math.ceil(o.bandHz[0] * 60);
  const maxBpm = Math.floor(o.bandHz[1] * 60);
  const states = maxBpm - minBpm + 1;
  const emission = (s: PowerSpectrum, bpm: number): number => {
    // A first harmonic adds to a peak only as much as the peak itself holds (HARMONIC_WEIGHT).
    const fundamental = powerNear(s, bpm / 60);
    return Math.log(fundamental + HARMONIC_WEIGHT * Math.min(fundamental, powerNear(s, (2 * bpm) / 60)) + 1e-4);
  };

  // The windows the blood-signature check reads (step 6): the newest, half a window and a window older.
  const signatureEnds = [total, total - Math.round(windowLength / 2), total - windowLength].filter((end) => end - windowLength >= 0);
  const analyseWindow = (end: number): WindowSpectrum => {
    const from = end - windowLength;
    const combined = new Float64Array(probe.power.length);
    let best = { snr: -1, index: 0 };
    const regression = new Regression(refs, from, end);
    const cleaned = regionsRgb.map((rgb) => regression.applyThree(rgb));
    for (let index = 0; index < candidateCount; index++) {
      const pulse = pulseOf(index, cleaned[index % projections], fs);
      const spec = powerSpectrum(pulse, fs, spectrumSize);
      normalizeInBand(spec, lo, hi);
      let peak = lo;
      for (let k = lo; k <= hi; k++) if (spec.power[k] > spec.power[peak]) peak = k;
      const snr = pulseSnr(spec, peak * binHz, o.bandHz[0], o.bandHz[1]);
      const weight = snr * snr;
      for (let k = 0; k < combined.length; k++) combined[k] += weight * spec.power[k];
      if (snr > best.snr) best = { snr, index };
    }
    const spec: PowerSpectrum = { binHz, power: combined };
    normalizeInBand(spec, lo, hi);
    const emissions = new Float32Array(states);
    for (let s = 0; s < states; s++) emissions[s] = emission(spec, minBpm + s);
    let peak = lo;
    for (let k = lo; k <= hi; k++) if (combined[k] > combined[peak]) peak = k;
    return { combined: spec, bestCandidate: best.index, emission: emissions, peakBpm: peak * binHz * 60, ...(signatureEnds.includes(end) ? { cleaned } : {}) };
  };

  // The tracker's windows sit on a lattice one step apart in capture time. Windows a live session
  // analysed before (history) are reused while their samples are unchanged and they still fit in
  // the buffer; only the lattice's new windows, and the newest window, are analysed now.
  const layout = trackerLayout(o, projections, refs.length, windowLength);
  const reusable = history && history.layout === layout ? history.windows : [];
  const samplesIn = (endT: number) => lowerBound(trace.t, endT + dt / 2) - lowerBound(trace.t, endT - windowLength * dt);
  const fits = (endT: number) => endT - (windowLength - 1) * dt >= gridT(0) - dt / 2 && newestT - endT <= o.historySeconds + dt / 2;
  const anchor = reusable.length > 0 ? reusable[reusable.length - 1].endT : newestT;
  const latticeNewest = anchor + Math.floor((newestT - anchor + dt / 2) / o.stepSeconds) * o.stepSeconds;
  const spectra: SequenceWindow[] = [];
  const kept: TrackerWindow[] = [];
  for (let k = 0; ; k++) {
    const endT = latticeNewest - k * o.stepSeconds;
    if (!fits(endT)) break;
    const end = Math.round((endT - uniform.start) * fs) + 1;
    if (end - windowLength < 0 || end > total) break;
    const samplesNow = samplesIn(endT);
    const cached = end === total ? undefined : reusable.find((w) => Math.abs(w.endT - endT) < dt / 2 && w.samples === samplesNow);
    const window = cached ? { end, emission: cached.emission, peakBpm: cached.peakBpm } : { end, ...analyseWindow(end) };
    spectra.unshift(window);
    kept.unshift(cached ?? { endT, samples: samplesNow, peakBpm: window.peakBpm, emission: window.emission });
  }
  if (spectra.length === 0 || spectra[spectra.length - 1].end !== total) spectra.push({ end: total, ...analyseWindow(total) });

  const { score, from } = viterbi(
    spectra.map((w) => w.emission),
    spectra.map((w) => w.end),
    step,
    o.trackerBpmPerSecond * o.stepSeconds,
  );
  // Agreement: how many recent windows' own peaks sit near the final track.
  let final = 0;
  for (let s = 1; s < states; s++) if (score[s] > score[final]) final = s;
  const trackedBpm = minBpm + final;
  const trackBpm = new Float64Array(spectra.length);
  for (let w = spectra.length - 1, s = final; w >= 0; s = from[w][s], w--) trackBpm[w] = minBpm + s;
  const recentSpan = Math.round(TRACK_AGREEMENT_SECONDS * fs);
  const argmaxHistory = spectra.filter((w) => total - w.end <= recentSpan).map((w) => w.peakBpm);
  const agreement = argmaxHistory.filter((b) => Math.abs(b - trackedBpm) <= TRACK_AGREEMENT_BPM).length / argmaxHistory.length;
  const trackerHistory: TrackerHistory = { layout, windows: kept };

  // Refine on the newest spectrum near the tracked rate.
  const newest = spectra[spectra.length - 1] as SequenceWindow & WindowSpectrum;
  const center = Math.round(trackedBpm / 60 / binHz);
  const span = Math.ceil(REFINE_SPAN_BPM / 60 / binHz);
  let peakBin = center;
  for (let k = Math.max(lo, center - span); k <= Math.min(hi, center + span); k++) if (newest.combined.power[k] > newest.combined.power[peakBin]) peakBin = k;
  const refined = refinePeak(newest.combined, peakBin);
  const snr = pulseSnr(newest.combined, refined.hz, o.bandHz[0], o.bandHz[1]);
  const quality = (snr / (1 + snr)) * (AGREEMENT_FLOOR + (1 - AGREEMENT_FLOOR) * agreement);
  const whole = new Regression(refs, 0, total);
  const pulse = pulseOf(newest.bestCandidate, whole.applyThree(regionsRgb[newest.bestCandidate % projections]), fs);
  // The colour of that peak: each region's cleaned channels in the newest window and, where the
  // buffer holds them, the windows half a window and a window older, summed phase-aligned (a pulse
  // adds up across regions and time; artefacts and noise do not).
  const oscillations: ColourOscillation[] = [];
  const signatures: PulseSignature[] = [];
  for (const end of signatureEnds) {
    // Older windows are checked at the rate the track had then (it may have been ramping): the
    // rate of the tracker's window nearest in time, within half a step.
    let w = -1;
    for (let i = 0; i < spectra.length; i++) if (Math.abs(spectra[i].end - end) * 2 <= step && (w < 0 || Math.abs(spectra[i].end - end) < Math.abs(spectra[w].end - end))) w = i;
    const hz = end === total || w < 0 ? refined.hz : trackBpm[w] / 60;
    let cleaned = w >= 0 && spectra[w].end === end ? spectra[w].cleaned : undefined;
    if (!cleaned) {
      const regression = new Regression(refs, end - windowLength, end);
      cleaned = regionsRgb.map((rgb) => regression.applyThree(rgb));
    }
    const inWindow = cleaned.map((rgb) => colourOscillation([rgb[0], rgb[1], rgb[2]], fs, hz));
    oscillations.push(...inWindow);
    signatures.push(pulseSignature(inWindow));
  }
  const signature = pulseSignature(oscillations);
  // A plain trace has one measurement per window, not four: each window must look like blood too.
  const plain = regionCount === 0;
  const looksLikeBlood =
    signature.chromaShare >= o.minChromaShare &&
    signature.alignment >= MIN_SIGNATURE_ALIGNMENT &&
    (!plain || signatures.every((x) => x.alignment >= MIN_WINDOW_ALIGNMENT_PLAIN));
  // The rich gate follows the trace's frame rate unless the caller set one (calibration sweeps).
  const minQuality = plain ? o.minQualityPlain : (o.minQuality ?? minQualityRichAt((n - 1) / seconds));
  if (quality < minQuality || !looksLikeBlood) return { ...none('no_pulse', quality), pulse, fs, signature, signatures, candidateBpm: refined.hz * 60, history: trackerHistory };
  return { bpm: refined.hz * 60, quality, confidence: confidenceOf(quality, true), seconds, reason: 'ok', pulse, fs, signature, signatures, candidateBpm: refined.hz * 60, history: trackerHistory };
}
