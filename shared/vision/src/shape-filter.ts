/**
 * Steadies 68 landmarks over time. Each frame's landmarks are explained as a similarity transform
 * (translation, scale, roll) of the face's own shape, kept in a canonical frame. The transform is
 * fitted to all 68 points at once (so per-point jitter averages out), then smoothed with a
 * One-Euro filter that follows real motion within a frame or two; the shape itself (expressions,
 * the landmark model's view of this face) adapts slowly. The skin regions are built on the
 * result, so they stay put on the skin of a still face and move with a moving one.
 */
import { DEFAULT_SHAPE_FILTER } from './tuning.ts';
import { oneEuroStep, type OneEuroParams, type OneEuroState } from './one-euro.ts';
import type { Point } from './types.ts';

export interface Similarity {
  tx: number;
  ty: number;
  /** Pixels per canonical unit. */
  scale: number;
  /** Radians. */
  rot: number;
}

export interface ShapeFilterState {
  /** Canonical shape: centred, unit RMS radius, flattened [x0, y0, x1, y1, ...]. */
  shape: number[];
  /** Filter state over [tx, ty, ln scale, rot]. */
  pose: OneEuroState;
}

export interface ShapeFilterParams {
  pose: OneEuroParams;
  /** Share of a frame's non-rigid shape that enters the kept shape (0-1; small is steady). */
  shapeAdaptation: number;
}

/** Centres the points and scales them to unit RMS radius. */
function normalise(flat: number[]): number[] {
  const n = flat.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += flat[2 * i];
    my += flat[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (flat[2 * i] - mx) ** 2 + (flat[2 * i + 1] - my) ** 2;
  const rms = Math.sqrt(ss / n) || 1;
  return flat.map((v, i) => (v - (i % 2 === 0 ? mx : my)) / rms);
}

/** Least-squares similarity mapping the canonical shape onto the points (Umeyama, no reflection). */
export function fitSimilarity(shape: readonly number[], points: readonly Point[]): Similarity & { residual: number } {
  const n = points.length;
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  mx /= n;
  my /= n;
  let a = 0;
  let b = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const sx = shape[2 * i];
    const sy = shape[2 * i + 1];
    const px = points[i].x - mx;
    const py = points[i].y - my;
    a += sx * px + sy * py;
    b += sx * py - sy * px;
    ss += sx * sx + sy * sy;
  }
  a /= ss;
  b /= ss;
  const scale = Math.hypot(a, b);
  let err = 0;
  for (let i = 0; i < n; i++) {
    const sx = shape[2 * i];
    const sy = shape[2 * i + 1];
    err += (a * sx - b * sy + mx - points[i].x) ** 2 + (b * sx + a * sy + my - points[i].y) ** 2;
  }
  // Residual in canonical units (a share of the face's RMS radius): independent of face size.
  return { tx: mx, ty: my, scale, rot: Math.atan2(b, a), residual: Math.sqrt(err / n) / (scale || 1) };
}

export function applySimilarity(shape: readonly number[], t: Similarity): Point[] {
  const c = Math.cos(t.rot) * t.scale;
  const s = Math.sin(t.rot) * t.scale;
  const out: Point[] = [];
  for (let i = 0; i < shape.length; i += 2) {
    out.push({ x: c * shape[i] - s * shape[i + 1] + t.tx, y: s * shape[i] + c * shape[i + 1] + t.ty });
  }
  return out;
}

function poseVector(t: Similarity): number[] {
  return [t.tx, t.ty, Math.log(t.scale), t.rot];
}

export function poseOf(state: ShapeFilterState): Similarity {
  const [tx, ty, lnScale, rot] = state.pose.value;
  return { tx, ty, scale: Math.exp(lnScale), rot };
}

/** A new filter from a face's first landmarks. */
export function startShapeFilter(points: readonly Point[]): ShapeFilterState {
  const shape = normalise(points.flatMap((p) => [p.x, p.y]));
  const fit = fitSimilarity(shape, points);
  return { shape, pose: { value: poseVector(fit), speed: [0, 0, 0, 0] } };
}

/** Adds one frame's landmarks; returns the new state and the steadied landmarks. */
export function updateShapeFilter(
  state: ShapeFilterState,
  points: readonly Point[],
  dtSeconds: number,
  params: ShapeFilterParams = DEFAULT_SHAPE_FILTER,
): { state: ShapeFilterState; landmarks: Point[]; residual: number } {
  const fit = fitSimilarity(state.shape, points);
  // Speeds are judged in face sizes per second (translation) and radians per second (scale, roll).
  const units = [fit.scale, fit.scale, 1, 1];
  const pose = oneEuroStep(state.pose, poseVector(fit), dtSeconds, params.pose, units);
  // The frame's points in the canonical frame (undo the raw fit), blended into the kept shape.
  const c = Math.cos(-fit.rot) / fit.scale;
  const s = Math.sin(-fit.rot) / fit.scale;
  const k = params.shapeAdaptation;
  const blended = state.shape.slice();
  for (let i = 0; i < points.length; i++) {
    const px = points[i].x - fit.tx;
    const py = points[i].y - fit.ty;
    blended[2 * i] += k * (c * px - s * py - blended[2 * i]);
    blended[2 * i + 1] += k * (s * px + c * py - blended[2 * i + 1]);
  }
  const next: ShapeFilterState = { shape: normalise(blended), pose };
  return { state: next, landmarks: applySimilarity(next.shape, poseOf(next)), residual: fit.residual };
}
