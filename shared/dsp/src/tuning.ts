/**
 * The DSP core's tuning constants, in one place. Each was chosen on the synthetic benchmark
 * (`npm run bench:accuracy`, `-- --calibrate` for the gates) or follows the published method it
 * implements; changing one changes accuracy, so measure before and after.
 */

/** POS and CHROM's sliding window (s), as in both papers; Pulsecam's POS projection uses it too. */
export const POS_WINDOW_SECONDS = 1.6;

/** Keeps a segment's edge samples (where the Hann window is ~0) from dividing by nothing. */
export const WINDOW_WEIGHT_FLOOR = 1e-3;

/** Zero-padded FFT length of Pulsecam's spectra: 0.88 bpm bins at 30 Hz, refined by interpolation. */
export const SPECTRUM_SIZE = 2048;

/**
 * Pulsecam's uniform grid: 30 Hz, except for a trace measured at fewer than LOW_RATE_GRID_BELOW_FPS
 * frames a second (the page's private mode at 10 or 15, a slow webcam), which goes onto a
 * LOW_RATE_GRID_HZ grid with spectra of the same bin width (SPECTRUM_SIZE scaled with the rate).
 * A 30 Hz grid holds nothing more of a 10-15 fps trace than linear interpolation between its
 * samples, at twice the cost of every filter, regression, projection and spectrum; measured on
 * `npm run bench:accuracy -- --quick --methods pulsecam --fps 10` and `--fps 15` (README).
 */
export const FULL_RATE_GRID_HZ = 30;
export const LOW_RATE_GRID_HZ = 15;
export const LOW_RATE_GRID_BELOW_FPS = 20;
/**
 * A live trace measured within this many frames a second of LOW_RATE_GRID_BELOW_FPS keeps the grid
 * its previous estimate used: a camera at about 20 fps (its measured rate wandering 19.8-20.2)
 * would otherwise switch grids between estimates, and each switch discards the tracker's kept
 * windows (they are analysed on one grid) and analyses the whole buffer again.
 */
export const GRID_HYSTERESIS_FPS = 2;

/**
 * Pulsecam's band-pass before normalisation: the pulse band widened by this much below (Hz; a
 * tight low edge, since compression and landmark jitter put most of their noise below the band)
 * and above, never below PROCESS_BAND_FLOOR_HZ nor closer than PROCESS_BAND_NYQUIST_MARGIN_HZ to Nyquist.
 */
export const PROCESS_BAND_BELOW_HZ = 0.1;
export const PROCESS_BAND_ABOVE_HZ = 0.5;
export const PROCESS_BAND_FLOOR_HZ = 0.5;
export const PROCESS_BAND_NYQUIST_MARGIN_HZ = 0.5;
/** Moving-mean window (s) that normalises each channel; 3 s keeps its sidelobe (~1.4/T Hz) below the band. */
export const NORMALIZATION_SECONDS = 3;

/**
 * The tracker's emission: a first harmonic adds to a peak at most this share of what the peak
 * itself holds, so a fundamental with its harmonic is preferred but noise at half the rate cannot
 * borrow the pulse's power.
 */
export const HARMONIC_WEIGHT = 0.5;

/** A window's argmax within this many bpm of the tracked rate agrees with the track. */
export const TRACK_AGREEMENT_BPM = 6;
/**
 * The recent windows whose argmax is checked against the track: those ending within this many
 * seconds of the newest (five windows at a 1 s step, three at 2 s). A span in time, not a count of
 * windows: on a ramp the windows' own peaks move with the time between them.
 */
export const TRACK_AGREEMENT_SECONDS = 4;
/** The newest spectrum's peak is searched this many bpm either side of the tracked rate. */
export const REFINE_SPAN_BPM = 3;
/** Quality = SNR share x (AGREEMENT_FLOOR + (1 - AGREEMENT_FLOOR) x agreement of recent windows). */
export const AGREEMENT_FLOOR = 0.5;

/**
 * Least colour (not brightness) share, and least alignment with the blood-volume direction, of
 * the oscillation at the tracked rate (summed over regions and up to three windows) for it to
 * count as a pulse. Benchmark pulses through the vision path measure 0.16-0.40 and ~0.98; light
 * changes ~0; noise's alignment is spread evenly (see signature.ts). Measured on the still and
 * mild-motion clips and 120 pulse-free traces: pulse-free answers fall from 35 % to 9 %, clips
 * lose no correct answer.
 */
export const MIN_CHROMA_SHARE = 0.15;
export const MIN_SIGNATURE_ALIGNMENT = 0.7;
/** For plain traces (one colour per sample), each window on its own must align at least this well. */
export const MIN_WINDOW_ALIGNMENT_PLAIN = 0.6;

/**
 * Least quality answered for a rich trace (regions, pose, background: the server's own). Chosen
 * on the full benchmark (`npm run bench:accuracy -- --calibrate`): 0.2 answers 76 % of pulse
 * windows at 1.2 bpm MAE while the no-pulse face is answered in 4 % (0.15: 8 %; 0.25: 72 % / 1 %).
 */
export const MIN_QUALITY_RICH = 0.2;
/**
 * Below 30 frames a second the rich gate rises: a window holds fewer samples, noise peaks score
 * higher, and at MIN_QUALITY_RICH the benchmark filmed at 10 and 15 fps (`npm run bench:accuracy
 * -- --quick --fps 10 --calibrate`) answered wrongly by 12-72 bpm on slow, dark, ramping and
 * compressed clips. The gate is LOW_RATE_GATE_BASE + LOW_RATE_GATE_PER_FPS_PERIOD / fps, never
 * below MIN_QUALITY_RICH: 0.2 at 30 fps, 0.3 at 15 (59 % answered at 1.0 bpm MAE, worst clip 3.0)
 * and 0.4 at 10 (30 % at 0.9, worst 2.7), the least gates at each rate with no clip worse than 3 bpm.
 */
export const LOW_RATE_GATE_BASE = 0.1;
export const LOW_RATE_GATE_PER_FPS_PERIOD = 3;

/** The rich gate for a trace measured at `fps` frames a second (see LOW_RATE_GATE_BASE). */
export function minQualityRichAt(fps: number): number {
  return fps > 0 ? Math.max(MIN_QUALITY_RICH, LOW_RATE_GATE_BASE + LOW_RATE_GATE_PER_FPS_PERIOD / fps) : MIN_QUALITY_RICH;
}
/**
 * Least quality answered for a plain trace: one measurement per window instead of four, so more
 * evidence is asked for (pulse-free traces answered in 5 % at 0.3, 7 % at 0.25).
 */
export const MIN_QUALITY_PLAIN = 0.3;
/** How fast heart rate may plausibly change: standard deviation of the tracker's step, bpm/s. */
export const TRACKER_BPM_PER_SECOND = 2.5;
/**
 * Spacing of the tracker's 10 s analysis windows (s). Every second of a live session's trace
 * costs one window analysis per step-length (8 candidate spectra and 4 regressions), which is most
 * of what a device session costs the workers: 2 s halves it against 1 s, with windows still
 * overlapping by 80 %. With the agreement span kept in time (TRACK_AGREEMENT_SECONDS), 2 s was as
 * accurate as 1 s, windows handed on: quick suite at 30 fps MAE 1.1 bpm at 68 % answered (1.1 at
 * 67 %), at 15 and 10 fps the same; 21 clips of 60 s (ramps, fast motion, head bob, flicker, skin
 * type VI, no pulse) 1.3 at 75 % (1.4 at 75 %). README, Accuracy, "The tracker's step".
 */
export const TRACKER_STEP_SECONDS = 2;
/** Seconds of history the tracker looks back over (with a 10 s window: the 30 s buffer). */
export const TRACKER_HISTORY_SECONDS = 20;
