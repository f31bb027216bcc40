/**
 * One face's landmarks in, one observation out: the skin regions and their colour, the scene
 * reference, and the guidance the person in front of the camera needs.
 */
import { DEFAULT_GUIDANCE_LIMITS } from './tuning.ts';
import { facePose, REGION_NAMES, skinRegions, type FacePose, type Polygon, type RegionName } from './regions.ts';
import { backgroundColor, regionColor, type RegionColor, type SkinReference } from './skin-stats.ts';
import type { Box, DetectedFace, Point, RgbImage } from './types.ts';

export type GuidanceCode = 'no_face' | 'face_too_small' | 'too_dark' | 'too_bright' | 'multiple_faces';

export interface FaceObservation {
  box: Box;
  score: number;
  pose: FacePose;
  landmarks: Point[];
  regions: Record<RegionName, RegionColor>;
  polygons: Record<RegionName, Polygon>;
  /** Pixel-weighted mean over all regions. */
  skin: RegionColor;
  background: RegionColor;
  /** Each region's skin-selection centre in this frame (for the session's running reference). */
  skinMedians: Record<RegionName, SkinReference | null>;
}

export interface FrameObservation {
  /** Faces in view at the last detector pass (tracking frames repeat it). */
  faces: number;
  face: FaceObservation | null;
  guidance: GuidanceCode[];
  /**
   * What the frame cost: held (the face had not moved: landmarks kept, no model run), tracked
   * (landmarks fitted on the followed face), detected (found by a search), searched (a search
   * found nothing), or skipped (the search is backing off).
   */
  path: 'held' | 'tracked' | 'detected' | 'searched' | 'skipped';
}

export interface GuidanceLimits {
  /** A face whose eyes are closer than this many pixels gives too little skin to measure. */
  minEyeDistance: number;
  /** Mean skin brightness (0-255) below which the frame is too dark. */
  minBrightness: number;
  maxBrightness: number;
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

export function observeFace(
  image: RgbImage,
  landmarks: Point[],
  box: Box,
  score: number,
  references?: Record<RegionName, SkinReference | null> | null,
): FaceObservation {
  const polygons = skinRegions(landmarks);
  const regions = {} as Record<RegionName, RegionColor>;
  const skinMedians = {} as Record<RegionName, SkinReference | null>;
  let r = 0;
  let g = 0;
  let b = 0;
  let pixels = 0;
  let covered = 0;
  for (const name of REGION_NAMES) {
    const { median, ...c } = regionColor(image, polygons[name], undefined, references?.[name]);
    regions[name] = c;
    skinMedians[name] = median;
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
    box,
    score,
    pose: facePose(landmarks),
    landmarks,
    regions,
    polygons,
    skin,
    background: backgroundColor(image, box),
    skinMedians,
  };
}

/** Guidance from one observed face: too small, too dark, too bright, several faces. */
export function faceGuidance(face: FaceObservation, facesInView: number, limits: GuidanceLimits = DEFAULT_GUIDANCE_LIMITS): GuidanceCode[] {
  const guidance: GuidanceCode[] = [];
  if (facesInView > 1) guidance.push('multiple_faces');
  if (face.pose.eyeDistance < limits.minEyeDistance || face.skin.pixels < 100) guidance.push('face_too_small');
  const brightness = (face.skin.r + face.skin.g + face.skin.b) / 3;
  if (brightness < limits.minBrightness) guidance.push('too_dark');
  if (brightness > limits.maxBrightness) guidance.push('too_bright');
  return guidance;
}
