/**
 * Mean skin colour inside a polygon. Pixels are kept only when their chromaticity is near the
 * region's median and their brightness within a band around it, which drops eyebrow hair, glare,
 * shadowed folds and background that the polygon may clip when landmarks jitter.
 */
import { DEFAULT_SKIN_SELECTION } from './tuning.ts';
import type { Polygon } from './regions.ts';
import type { Box, RgbImage } from './types.ts';

export interface RegionColor {
  r: number;
  g: number;
  b: number;
  /** Pixels that passed skin selection. */
  pixels: number;
  /** Pixels inside the polygon before selection. */
  covered: number;
}

/** The centre of a region's skin selection: median brightness (r+g+b) and rg-chromaticity. */
export interface SkinReference {
  sum: number;
  cr: number;
  cg: number;
}

/** Indices (pixel offsets) of pixels whose centres lie inside the polygon (even-odd rule). */
export function rasterizePolygon(polygon: Polygon, width: number, height: number): Int32Array {
  const ys = polygon.map((q) => q.y);
  const yStart = Math.max(0, Math.ceil(Math.min(...ys) - 0.5));
  const yEnd = Math.min(height - 1, Math.floor(Math.max(...ys) - 0.5));
  const out: number[] = [];
  const crossings: number[] = [];
  for (let y = yStart; y <= yEnd; y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const a = polygon[i];
      const b = polygon[j];
      if (a.y > cy !== b.y > cy) crossings.push(a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
    crossings.sort((u, v) => u - v);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(crossings[k] - 0.5));
      const x1 = Math.min(width - 1, Math.floor(crossings[k + 1] - 0.5));
      for (let x = x0; x <= x1; x++) out.push(y * width + x);
    }
  }
  return Int32Array.from(out);
}

function medianOf(values: Float64Array, count: number): number {
  const sorted = values.slice(0, count).sort();
  return count ? sorted[count >> 1] : 0;
}

export interface SkinSelection {
  /** Allowed distance of a pixel's rg-chromaticity from the region median. */
  chromaTolerance: number;
  /** Allowed brightness, as a factor band around the region median. */
  brightnessBand: readonly [number, number];
}

/**
 * Mean colour of the skin pixels in the polygon, and the frame's own selection centre. With a
 * `reference` (a session's running centre), pixels are selected around it instead of around this
 * frame's medians, so the selection does not wobble from frame to frame.
 */
export function regionColor(
  image: RgbImage,
  polygon: Polygon,
  selection: SkinSelection = DEFAULT_SKIN_SELECTION,
  reference?: SkinReference | null,
): RegionColor & { median: SkinReference | null } {
  const idx = rasterizePolygon(polygon, image.width, image.height);
  const n = idx.length;
  if (n === 0) return { r: 0, g: 0, b: 0, pixels: 0, covered: 0, median: null };
  const d = image.data;
  const sum = new Float64Array(n);
  const cr = new Float64Array(n);
  const cg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = idx[i] * 3;
    const s = d[o] + d[o + 1] + d[o + 2];
    sum[i] = s;
    cr[i] = s > 0 ? d[o] / s : 1 / 3;
    cg[i] = s > 0 ? d[o + 1] / s : 1 / 3;
  }
  const median = { sum: medianOf(sum, n), cr: medianOf(cr, n), cg: medianOf(cg, n) };
  const centre = reference ?? median;
  const mSum = centre.sum;
  const mR = centre.cr;
  const mG = centre.cg;
  const [lo, hi] = selection.brightnessBand;
  let r = 0;
  let g = 0;
  let b = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (sum[i] < lo * mSum || sum[i] > hi * mSum) continue;
    if (Math.hypot(cr[i] - mR, cg[i] - mG) > selection.chromaTolerance) continue;
    const o = idx[i] * 3;
    r += d[o];
    g += d[o + 1];
    b += d[o + 2];
    kept++;
  }
  if (kept === 0) return { r: 0, g: 0, b: 0, pixels: 0, covered: n, median };
  return { r: r / kept, g: g / kept, b: b / kept, pixels: kept, covered: n, median };
}

/**
 * Mean colour of the frame's border band outside the (enlarged) face box: a reference for light
 * that changes the whole scene (flicker, exposure), which the DSP can regress out.
 */
export function backgroundColor(image: RgbImage, face: Box, bandFraction = 0.1): RegionColor {
  const { width, height, data } = image;
  const band = Math.max(2, Math.round(Math.min(width, height) * bandFraction));
  const ex = face.width * 0.6;
  const ey = face.height * 0.6;
  const fx0 = face.x - ex;
  const fx1 = face.x + face.width + ex;
  const fy0 = face.y - ey;
  const fy1 = face.y + face.height + ey * 3;
  let r = 0;
  let g = 0;
  let b = 0;
  let count = 0;
  const step = 2;
  for (let y = 0; y < height; y += step) {
    const inBandY = y < band || y >= height - band;
    for (let x = 0; x < width; x += step) {
      if (!inBandY && x >= band && x < width - band) continue;
      if (x >= fx0 && x <= fx1 && y >= fy0 && y <= fy1) continue;
      const o = (y * width + x) * 3;
      r += data[o];
      g += data[o + 1];
      b += data[o + 2];
      count++;
    }
  }
  if (count === 0) return { r: 0, g: 0, b: 0, pixels: 0, covered: 0 };
  return { r: r / count, g: g / count, b: b / count, pixels: count, covered: count };
}
