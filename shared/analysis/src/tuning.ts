/**
 * The per-session estimate's tuning constants, in one place: when a trace is usable at all, when
 * to ask the person to hold still, and when HRV and breathing are answered. Chosen on the
 * synthetic benchmark (`npm run bench:accuracy`, `-- --calibrate` for the quality gates).
 */

/**
 * The qualities from which RMSSD and breathing rate are answered (null below, with the quality).
 * On the benchmark (`npm run bench:accuracy -- --calibrate`) neither is accurate at any quality:
 * RMSSD errors ~95 ms against true values of 30-50 ms, breathing errors 4-5 breaths/min, flat
 * across quality bins. So both are withheld until the beat timing improves; the calibration pass
 * opens the gates to keep measuring them.
 */
export const HRV_MIN_QUALITY = Number.POSITIVE_INFINITY;
export const BREATHING_MIN_QUALITY = Number.POSITIVE_INFINITY;

/** A face missing for longer than this ends the usable trace. */
export const FACE_LOST_MS = 2000;
/**
 * Fewest samples per second (with a face) in the analysis window. Below it the trace is too
 * sparse to carry a pulse (the face was mostly not found, or a detector false positive).
 */
export const MIN_SAMPLES_PER_SECOND = 5;
/** A gap without any face sample longer than this inside the window makes the window unusable. */
export const MAX_GAP_MS = 1500;
/** Face centre movement (in eye distances, std over the last HOLD_STILL_SPAN_MS) above which we ask to hold still. */
export const HOLD_STILL_MOTION = 0.12;
export const HOLD_STILL_SPAN_MS = 2000;

/** Display rate of the waveform in answers (Hz). */
export const WAVEFORM_FS = 15;

/**
 * Beats are timed on the pulse narrowed around the measured rate: from BEAT_BAND_LOW x the rate
 * (at least BEAT_BAND_FLOOR_HZ) to BEAT_BAND_HIGH x the rate, fundamental and first harmonic.
 */
export const BEAT_BAND_LOW = 0.6;
export const BEAT_BAND_HIGH = 2.2;
export const BEAT_BAND_FLOOR_HZ = 0.4;
/** HRV and breathing quality are discounted by the pulse's own quality below this. */
export const BEAT_QUALITY_FULL = 0.6;
