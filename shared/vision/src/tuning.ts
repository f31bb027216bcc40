/**
 * The vision code's tuning constants, in one place: face tracking, the landmark filter, skin
 * selection and guidance. Chosen on the synthetic benchmark (`npm run bench:accuracy`) and the
 * speed benchmark (`npm run bench`: held vs fitted frames, jitter); measure before changing one.
 */
import type { TrackerOptions } from './face-tracker.ts';
import type { GuidanceLimits } from './frame-analysis.ts';
import type { ShapeFilterParams } from './shape-filter.ts';
import type { SkinSelection } from './skin-stats.ts';

/** The landmarks' pose (one-euro filter) and how fast the kept face shape adapts. */
export const DEFAULT_SHAPE_FILTER: ShapeFilterParams = {
  pose: { minCutoff: 3, beta: 10, derivativeCutoff: 1 },
  shapeAdaptation: 0.08,
};

/** Which pixels of a region count as skin: near the region's median chromaticity and brightness. */
export const DEFAULT_SKIN_SELECTION: SkinSelection = { chromaTolerance: 0.035, brightnessBand: [0.6, 1.35] };

/** When to tell the person to move closer, find light, or avoid glare. */
export const DEFAULT_GUIDANCE_LIMITS: GuidanceLimits = { minEyeDistance: 18, minBrightness: 35, maxBrightness: 235 };

export const DEFAULT_TRACKER: TrackerOptions = {
  checkInputSize: 160,
  retryInputSize: 416,
  checkEveryFrames: 30,
  maxResidual: 0.12,
  maxSearchWait: 8,
  retryEverySearches: 3,
  skinAdaptation: 0.2,
  fallbackFrameMs: 100,
  holdMotionPx: 0.25,
  holdResidual: 0.1,
  maxHeldFrames: 4,
  holdMaxSpeedPx: 2,
  shapeFilter: DEFAULT_SHAPE_FILTER,
  guidance: DEFAULT_GUIDANCE_LIMITS,
};

/** A predicted face box less than this share inside the frame is not fitted (the face is leaving). */
export const MIN_VISIBLE_SHARE = 0.6;
/** A confirmation pass looks at a square this many times the face box's longer side. */
export const CONFIRM_CROP_FACTOR = 2.4;
/** ...and needs at least this many pixels each way. */
export const MIN_CONFIRM_CROP_PX = 48;
/** Side of the grey patch the motion gate compares between frames (pixels). */
export const PATCH_SIZE = 24;
