/**
 * A session's frames as one stream: the face is searched for only when there is none (first
 * frame, after a loss), then followed. A followed face costs one landmark fit on a region
 * predicted from the previous frames, no detector pass; a detector pass on a crop around it
 * confirms it now and then. Landmarks are steadied over time (see shape-filter.ts), so the skin
 * regions stay on the same skin. Frames without a face back off the full-frame search, so an
 * empty scene costs little.
 *
 * The tracker keeps no state of its own: `TrackState` is plain JSON the caller stores between
 * frames (the workers keep it in Redis, so any worker can take a session's next batch).
 */
import { CONFIRM_CROP_FACTOR, DEFAULT_TRACKER, MIN_CONFIRM_CROP_PX, MIN_VISIBLE_SHARE, PATCH_SIZE } from './tuning.ts';
import type { FaceDetector } from './face-detector.ts';
import { chooseSubject, faceGuidance, observeFace, type FrameObservation, type GuidanceLimits } from './frame-analysis.ts';
import { cropImage } from './image.ts';
import type { RegionName } from './regions.ts';
import { decodePatch, encodePatch, patchMotion, samplePatch } from './motion-gate.ts';
import {
  applySimilarity,
  poseOf,
  startShapeFilter,
  updateShapeFilter,
  type ShapeFilterParams,
  type ShapeFilterState,
  type Similarity,
} from './shape-filter.ts';
import type { SkinReference } from './skin-stats.ts';
import type { Box, DetectedFace, RgbImage } from './types.ts';

export interface TrackedFace {
  filter: ShapeFilterState;
  /** The detector's box relative to the face pose: centre offset (face axes) and size, in canonical units. */
  roi: [number, number, number, number];
  /** Frames followed since the last detector confirmation. */
  sinceCheck: number;
  score: number;
  /** Faces in view at the last detector pass. */
  faces: number;
  /** Capture time (ms) of the last landmark fit (the filter's clock). */
  fittedAt: number;
  /** The face box's grey patch at the last fit, to tell whether the face has moved since. */
  gate: { patch: string; box: Box; held: number } | null;
}

export interface TrackState {
  /** The stream's frame format (e.g. its size); a frame of another format starts afresh. */
  format: string;
  /** Capture time (ms) of the last frame seen. */
  t: number | null;
  face: TrackedFace | null;
  /** Full-frame searches that found nothing in a row, and frames to wait before the next one. */
  search: { misses: number; wait: number };
  /** Running skin-selection centre per region. */
  skin: Record<RegionName, SkinReference | null> | null;
}

export interface TrackerOptions {
  /** Detector input size on the crop around a followed face (confirmation passes). */
  checkInputSize: number;
  /** Detector input size of the occasional larger full-frame pass for small or distant faces. */
  retryInputSize: number;
  /** Followed frames between detector confirmations. */
  checkEveryFrames: number;
  /** Landmark fit residual (share of the face's RMS radius) above which the face counts as lost. */
  maxResidual: number;
  /** Most frames to skip between full-frame searches while there is no face (the back-off cap). */
  maxSearchWait: number;
  /** Every how many failed searches the larger-input pass runs as well. */
  retryEverySearches: number;
  /** Share of each frame's skin-selection centre blended into the running one. */
  skinAdaptation: number;
  /** The filter's time step when capture times do not advance (ms). */
  fallbackFrameMs: number;
  /** A face that moved less than this (pixels) since its last fit keeps its landmarks (0 disables). */
  holdMotionPx: number;
  /** ...unless the patch changed in ways a translation does not explain (share of its contrast). */
  holdResidual: number;
  /** Landmarks are refitted at least every this many frames. */
  maxHeldFrames: number;
  /** Only a face that was still when last fitted is held (filtered speed below this, px/s): a fit made while moving is refitted until the face settles. */
  holdMaxSpeedPx: number;
  shapeFilter: ShapeFilterParams;
  guidance: GuidanceLimits;
}

export function newTrackState(format: string): TrackState {
  return { format, t: null, face: null, search: { misses: 0, wait: 0 }, skin: null };
}

/** The region the landmark model should look at, from the face pose (as the detector would box it). */
export function predictedBox(face: TrackedFace, pose: Similarity): Box {
  const [ox, oy, w, h] = face.roi;
  const c = Math.cos(pose.rot);
  const s = Math.sin(pose.rot);
  const cx = pose.tx + pose.scale * (c * ox - s * oy);
  const cy = pose.ty + pose.scale * (s * ox + c * oy);
  return { x: cx - (w * pose.scale) / 2, y: cy - (h * pose.scale) / 2, width: w * pose.scale, height: h * pose.scale };
}

function roiRelation(box: Box, pose: Similarity): TrackedFace['roi'] {
  const dx = box.x + box.width / 2 - pose.tx;
  const dy = box.y + box.height / 2 - pose.ty;
  const c = Math.cos(-pose.rot);
  const s = Math.sin(-pose.rot);
  return [(c * dx - s * dy) / pose.scale, (s * dx + c * dy) / pose.scale, box.width / pose.scale, box.height / pose.scale];
}

function visibleShare(box: Box, width: number, height: number): number {
  const w = Math.max(0, Math.min(width, box.x + box.width) - Math.max(0, box.x));
  const h = Math.max(0, Math.min(height, box.y + box.height) - Math.max(0, box.y));
  return box.width > 0 && box.height > 0 ? (w * h) / (box.width * box.height) : 0;
}

function shiftFaces(faces: DetectedFace[], dx: number, dy: number): DetectedFace[] {
  return faces.map((f) => ({
    score: f.score,
    box: { ...f.box, x: f.box.x + dx, y: f.box.y + dy },
    landmarks: f.landmarks.map((p) => ({ x: p.x + dx, y: p.y + dy })),
  }));
}

export interface TrackStep {
  observation: FrameObservation;
  state: TrackState;
}

export class FaceTracker {
  constructor(
    private readonly detector: FaceDetector,
    readonly options: TrackerOptions = DEFAULT_TRACKER,
  ) {}

  /** False when the next frame will not be looked at (the search is backing off): skip decoding it. */
  wantsPixels(state: TrackState | null): boolean {
    return !state || state.face !== null || state.search.wait === 0;
  }

  /**
   * The next frame of a stream: `image` is null for a frame `wantsPixels` declined. `previous` is
   * what the last call returned (null to start); a frame of another `format` starts afresh.
   */
  async step(image: RgbImage | null, tMs: number, previous: TrackState | null, format: string): Promise<TrackStep> {
    let state: TrackState = previous && previous.format === format ? structuredClone(previous) : newTrackState(format);
    state.t = state.t === null ? tMs : Math.max(state.t, tMs);

    if (!image) return { observation: this.noFace('skipped'), state: this.backOff(state, false) };

    if (state.face) {
      const followed = await this.follow(image, state.face, tMs);
      if (followed) {
        state.face = followed.face;
        return { observation: this.observe(image, state, followed.landmarks, followed.box, followed.held ? 'held' : 'tracked'), state };
      }
      state.face = null;
      state.search = { misses: 0, wait: 0 };
    }

    if (state.search.wait > 0) return { observation: this.noFace('skipped'), state: this.backOff(state, false) };

    const faces = await this.search(image, state.search.misses);
    const subject = chooseSubject(faces);
    if (!subject) {
      state = this.backOff(state, true);
      return { observation: this.noFace('searched'), state };
    }
    const filter = startShapeFilter(subject.landmarks);
    const face: TrackedFace = { filter, roi: roiRelation(subject.box, poseOf(filter)), sinceCheck: 0, score: subject.score, faces: faces.length, fittedAt: tMs, gate: null };
    face.gate = this.gateAt(image, predictedBox(face, poseOf(filter)));
    state.face = face;
    state.search = { misses: 0, wait: 0 };
    state.skin = null;
    return { observation: this.observe(image, state, subject.landmarks, subject.box, 'detected'), state };
  }

  private backOff(state: TrackState, searched: boolean): TrackState {
    if (!searched) return { ...state, search: { ...state.search, wait: Math.max(0, state.search.wait - 1) } };
    const misses = state.search.misses + 1;
    return { ...state, face: null, search: { misses, wait: Math.min(this.options.maxSearchWait, misses - 1) } };
  }

  private async search(image: RgbImage, misses: number): Promise<DetectedFace[]> {
    const faces = await this.detector.detect(image);
    // A larger pass helps only where the first one shrank the frame (small or distant faces).
    if (faces.length > 0 || Math.max(image.width, image.height) <= this.detector.inputSize) return faces;
    if (misses % this.options.retryEverySearches !== 0) return faces;
    return this.detector.detect(image, this.options.retryInputSize);
  }

  private gateAt(image: RgbImage, box: Box): TrackedFace['gate'] {
    return this.options.holdMotionPx > 0 ? { patch: encodePatch(samplePatch(image, box)), box, held: 0 } : null;
  }

  /** The face has not moved since its last fit (by its patch): its landmarks still hold. */
  private stillSinceFit(image: RgbImage, face: TrackedFace): boolean {
    const gate = face.gate;
    if (!gate || gate.held >= this.options.maxHeldFrames) return false;
    const [vx, vy] = face.filter.pose.speed;
    if (Math.hypot(vx, vy) > this.options.holdMaxSpeedPx) return false;
    const motion = patchMotion(decodePatch(gate.patch), samplePatch(image, gate.box));
    const px = (Math.hypot(motion.dx, motion.dy) * gate.box.width) / PATCH_SIZE;
    return px < this.options.holdMotionPx && motion.residual < this.options.holdResidual;
  }

  /** Landmarks on the predicted region; null when the face is gone (bad fit, out of frame, check failed). */
  private async follow(image: RgbImage, face: TrackedFace, tMs: number) {
    const pose = poseOf(face.filter);
    if (this.stillSinceFit(image, face)) {
      const held: TrackedFace = { ...face, gate: { ...face.gate!, held: face.gate!.held + 1 }, sinceCheck: face.sinceCheck + 1 };
      const box = predictedBox(held, pose);
      if (!(await this.confirmIfDue(image, held, box))) return null;
      return { face: held, landmarks: applySimilarity(face.filter.shape, pose), box, held: true };
    }
    const dtSeconds = (tMs > face.fittedAt ? tMs - face.fittedAt : this.options.fallbackFrameMs) / 1000;
    // Constant-velocity prediction of where the face is now.
    const [vx, vy] = face.filter.pose.speed;
    const predicted = { ...pose, tx: pose.tx + vx * dtSeconds, ty: pose.ty + vy * dtSeconds };
    const box = predictedBox(face, predicted);
    if (visibleShare(box, image.width, image.height) < MIN_VISIBLE_SHARE) return null;
    const raw = await this.detector.landmarks(image, box);
    if (!raw) return null;
    const updated = updateShapeFilter(face.filter, raw, dtSeconds, this.options.shapeFilter);
    if (updated.residual > this.options.maxResidual) return null;
    const next: TrackedFace = { ...face, filter: updated.state, sinceCheck: face.sinceCheck + 1, fittedAt: Math.max(face.fittedAt, tMs) };
    const newBox = predictedBox(next, poseOf(updated.state));
    next.gate = this.gateAt(image, newBox);
    if (!(await this.confirmIfDue(image, next, newBox))) return null;
    return { face: next, landmarks: updated.landmarks, box: newBox, held: false };
  }

  /** Every checkEveryFrames followed frames, a detector pass confirms the face (updating `face`); false when it is gone. */
  private async confirmIfDue(image: RgbImage, face: TrackedFace, box: Box): Promise<boolean> {
    if (face.sinceCheck < this.options.checkEveryFrames) return true;
    const confirmed = await this.confirm(image, box);
    if (!confirmed) return false;
    face.sinceCheck = 0;
    face.score = confirmed.score;
    face.faces = confirmed.faces;
    return true;
  }

  /** A detector pass on a crop around the followed face: is a face still there? */
  private async confirm(image: RgbImage, box: Box): Promise<{ score: number; faces: number } | null> {
    const side = Math.max(box.width, box.height) * CONFIRM_CROP_FACTOR;
    const x0 = Math.max(0, Math.round(box.x + box.width / 2 - side / 2));
    const y0 = Math.max(0, Math.round(box.y + box.height / 2 - side / 2));
    const w = Math.min(image.width - x0, Math.round(side));
    const h = Math.min(image.height - y0, Math.round(side));
    if (w < MIN_CONFIRM_CROP_PX || h < MIN_CONFIRM_CROP_PX) return null;
    const faces = shiftFaces(await this.detector.detect(cropImage(image, x0, y0, w, h), this.options.checkInputSize), x0, y0);
    const subject = chooseSubject(faces, box);
    return subject ? { score: subject.score, faces: faces.length } : null;
  }

  private observe(image: RgbImage, state: TrackState, landmarks: DetectedFace['landmarks'], box: Box, path: FrameObservation['path']): FrameObservation {
    const face = state.face!;
    const observation = observeFace(image, landmarks, box, face.score, state.skin);
    const k = this.options.skinAdaptation;
    const skin = {} as Record<RegionName, SkinReference | null>;
    for (const [name, median] of Object.entries(observation.skinMedians) as [RegionName, SkinReference | null][]) {
      const ref = state.skin?.[name];
      skin[name] = !median ? (ref ?? null) : !ref ? median : { sum: ref.sum + k * (median.sum - ref.sum), cr: ref.cr + k * (median.cr - ref.cr), cg: ref.cg + k * (median.cg - ref.cg) };
    }
    state.skin = skin;
    return {
      faces: face.faces,
      face: observation,
      guidance: faceGuidance(observation, face.faces, this.options.guidance),
      path,
    };
  }

  private noFace(path: FrameObservation['path']): FrameObservation {
    return { faces: 0, face: null, guidance: ['no_face'], path };
  }
}
