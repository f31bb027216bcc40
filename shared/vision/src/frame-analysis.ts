/**
 * One frame in, one observation out: choose the subject's face, build the skin regions and
 * measure their colour, plus the scene reference and the guidance the person in front of the
 * camera needs.
 */
import type { FaceDetector } from './face-detector.ts';
import { facePose, REGION_NAMES, skinRegions, type FacePose, type Polygon, type RegionName } from './regions.ts';
import { backgroundColor, regionColor, type RegionColor } from './skin-stats.ts';
import type { Box, DetectedFace, RgbImage } from './types.ts';

export type GuidanceCode = 'no_face' | 'face_too_small' | 'too_dark' | 'too_bright' | 'multiple_faces';

export interface FaceObservation {
  box: Box;
  score: number;
  pose: FacePose;
  regions: Record<RegionName, RegionColor>;
  polygons: Record<RegionName, Polygon>;
  /** Pixel-weighted mean over all regions. */
  skin: RegionColor;
  background: RegionColor;
}

export interface FrameObservation {
  width: number;
  height: number;
  faces: number;
  face: FaceObservation | null;
  guidance: GuidanceCode[];
}

export interface FrameAnalysisOptions {
  /** Detector input size when searching near the previous face (the crop makes the face large). */
  trackInputSize: number;
  /** Detector input size of a second full-frame pass when the first finds nothing (small faces). */
  retryInputSize: number;
  /** A face whose eyes are closer than this many pixels gives too little skin to measure. */
  minEyeDistance: number;
  /** Mean skin brightness (0-255) below which the frame is too dark. */
  minBrightness: number;
  maxBrightness: number;
}

export const DEFAULT_FRAME_ANALYSIS: FrameAnalysisOptions = {
  trackInputSize: 160,
  retryInputSize: 416,
  minEyeDistance: 18,
  minBrightness: 35,
  maxBrightness: 235,
};

/** A copy of the pixels inside a rectangle. */
export function cropImage(image: RgbImage, x0: number, y0: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = ((y0 + y) * image.width + x0) * 3;
    data.set(image.data.subarray(src, src + width * 3), y * width * 3);
  }
  return { data, width, height };
}

function shiftFace(face: DetectedFace, dx: number, dy: number): DetectedFace {
  return {
    score: face.score,
    box: { ...face.box, x: face.box.x + dx, y: face.box.y + dy },
    landmarks: face.landmarks.map((p) => ({ x: p.x + dx, y: p.y + dy })),
  };
}

/**
 * Looks for the face near where it was (a square crop 2.4x the previous box, detected at a small
 * input size: fast, and a small face becomes large for the landmark model). Falls back to the
 * whole frame, then to the whole frame at a larger input size for small or distant faces.
 */
async function findFaces(detector: FaceDetector, image: RgbImage, previous: Box | null, options: FrameAnalysisOptions): Promise<{ faces: DetectedFace[]; tracked: boolean }> {
  if (previous && previous.width > 0) {
    const side = Math.round(Math.max(previous.width, previous.height) * 2.4);
    const cx = previous.x + previous.width / 2;
    const cy = previous.y + previous.height / 2;
    const x0 = Math.max(0, Math.round(cx - side / 2));
    const y0 = Math.max(0, Math.round(cy - side / 2));
    const w = Math.min(image.width - x0, side);
    const h = Math.min(image.height - y0, side);
    if (w >= 48 && h >= 48 && w * h < 0.8 * image.width * image.height) {
      const near = await detector.detect(cropImage(image, x0, y0, w, h), options.trackInputSize);
      if (near.length > 0) return { faces: near.map((f) => shiftFace(f, x0, y0)), tracked: true };
    }
  }
  const faces = await detector.detect(image);
  if (faces.length > 0 || Math.max(image.width, image.height) <= options.retryInputSize) return { faces, tracked: false };
  return { faces: await detector.detect(image, options.retryInputSize), tracked: false };
}

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** The face that continues the session (best overlap with the previous box), else the largest. */
export function chooseSubject(faces: DetectedFace[], previous?: Box | null): DetectedFace | null {
  if (faces.length === 0) return null;
  if (previous) {
    let best = faces[0];
    let bestOverlap = iou(best.box, previous);
    for (const f of faces.slice(1)) {
      const o = iou(f.box, previous);
      if (o > bestOverlap) {
        best = f;
        bestOverlap = o;
      }
    }
    if (bestOverlap > 0.3) return best;
  }
  return faces[0];
}

export function observeFace(image: RgbImage, face: DetectedFace): FaceObservation {
  const polygons = skinRegions(face.landmarks);
  const regions = {} as Record<RegionName, RegionColor>;
  let r = 0;
  let g = 0;
  let b = 0;
  let pixels = 0;
  let covered = 0;
  for (const name of REGION_NAMES) {
    const c = regionColor(image, polygons[name]);
    regions[name] = c;
    r += c.r * c.pixels;
    g += c.g * c.pixels;
    b += c.b * c.pixels;
    pixels += c.pixels;
    covered += c.covered;
  }
  const skin: RegionColor = pixels
    ? { r: r / pixels, g: g / pixels, b: b / pixels, pixels, covered }
    : { r: 0, g: 0, b: 0, pixels: 0, covered };
  return {
    box: face.box,
    score: face.score,
    pose: facePose(face.landmarks),
    regions,
    polygons,
    skin,
    background: backgroundColor(image, face.box),
  };
}

export async function analyzeFrame(
  detector: FaceDetector,
  image: RgbImage,
  previousBox: Box | null,
  options: FrameAnalysisOptions = DEFAULT_FRAME_ANALYSIS,
): Promise<FrameObservation> {
  const { faces } = await findFaces(detector, image, previousBox, options);
  const subject = chooseSubject(faces, previousBox);
  const guidance: GuidanceCode[] = [];
  if (!subject) {
    return { width: image.width, height: image.height, faces: 0, face: null, guidance: ['no_face'] };
  }
  if (faces.length > 1) guidance.push('multiple_faces');
  const face = observeFace(image, subject);
  if (face.pose.eyeDistance < options.minEyeDistance || face.skin.pixels < 100) guidance.push('face_too_small');
  const brightness = (face.skin.r + face.skin.g + face.skin.b) / 3;
  if (brightness < options.minBrightness) guidance.push('too_dark');
  if (brightness > options.maxBrightness) guidance.push('too_bright');
  return { width: image.width, height: image.height, faces: faces.length, face, guidance };
}
