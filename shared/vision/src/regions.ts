/**
 * Skin regions of interest from the 68 iBUG landmarks: the forehead above the brows and both
 * cheeks between the lower eyelid, the nose and the jaw. Eyes, brows, nostrils, mouth, hair and
 * background stay outside every polygon.
 */
import type { Box, Point } from './types.ts';

export const REGION_NAMES = ['forehead', 'left_cheek', 'right_cheek'] as const;
export type RegionName = (typeof REGION_NAMES)[number];
export type Polygon = Point[];

function lerp(a: Point, b: Point, w: number): Point {
  return { x: a.x + (b.x - a.x) * w, y: a.y + (b.y - a.y) * w };
}

function shift(p: Point, dx: number, dy: number): Point {
  return { x: p.x + dx, y: p.y + dy };
}

function centroid(points: Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

/** Face geometry the signal processing uses to judge motion: centre, size (inter-ocular) and roll. */
export interface FacePose {
  cx: number;
  cy: number;
  /** Distance between the eye centres, in pixels. */
  eyeDistance: number;
  /** Head roll in radians (eye line against the horizontal). */
  roll: number;
}

export function facePose(landmarks: Point[]): FacePose {
  const leftEye = centroid(landmarks.slice(36, 42));
  const rightEye = centroid(landmarks.slice(42, 48));
  const nose = landmarks[30];
  return {
    cx: (leftEye.x + rightEye.x + nose.x) / 3,
    cy: (leftEye.y + rightEye.y + nose.y) / 3,
    eyeDistance: Math.hypot(rightEye.x - leftEye.x, rightEye.y - leftEye.y),
    roll: Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x),
  };
}

export function skinRegions(landmarks: Point[]): Record<RegionName, Polygon> {
  if (landmarks.length !== 68) throw new RangeError(`expected 68 landmarks, got ${landmarks.length}`);
  const p = landmarks;
  const pose = facePose(p);
  // "Up" in face coordinates, so the forehead follows a rolled head.
  const ux = Math.sin(pose.roll);
  const uy = -Math.cos(pose.roll);
  const d = pose.eyeDistance;
  const up = (q: Point, k: number): Point => shift(q, ux * d * k, uy * d * k);

  const browInner = [p[18], p[19], p[20], p[21], p[22], p[23], p[24], p[25]];
  const forehead = [
    ...browInner.map((q) => up(q, 0.18)),
    ...browInner
      .slice()
      .reverse()
      .map((q) => up(q, 0.55)),
  ];

  const leftCheek = [
    lerp(p[1], p[30], 0.18),
    lerp(p[2], p[30], 0.18),
    lerp(p[3], p[30], 0.22),
    lerp(p[48], p[3], 0.4),
    lerp(p[31], p[3], 0.2),
    lerp(p[40], p[31], 0.25),
    lerp(p[41], p[2], 0.2),
  ];
  const rightCheek = [
    lerp(p[15], p[30], 0.18),
    lerp(p[14], p[30], 0.18),
    lerp(p[13], p[30], 0.22),
    lerp(p[54], p[13], 0.4),
    lerp(p[35], p[13], 0.2),
    lerp(p[47], p[35], 0.25),
    lerp(p[46], p[14], 0.2),
  ];
  return { forehead, left_cheek: leftCheek, right_cheek: rightCheek };
}

export function boundingBox(points: Point[]): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const q of points) {
    x0 = Math.min(x0, q.x);
    y0 = Math.min(y0, q.y);
    x1 = Math.max(x1, q.x);
    y1 = Math.max(y1, q.y);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
