/**
 * Did the face move since its landmarks were last fitted? A small grey patch of the face box is
 * kept from that frame; the same box of the new frame is compared with it by one Lucas-Kanade
 * step (translation, in a tenth of a millisecond). Patches are normalised to zero mean and unit
 * variance, so light and exposure changes do not count as motion; what a translation cannot
 * explain (turning, talking, a different scene) is the residual. A face that moved less than a
 * fraction of a pixel keeps its landmarks, and the landmark model is not run for that frame.
 */
import { PATCH_SIZE } from './tuning.ts';
import type { Box, RgbImage } from './types.ts';

/** Side of the square patch, in samples. */

/** Grey samples (0-255) of a box, bilinear, PATCH_SIZE x PATCH_SIZE, row-major. */
export function samplePatch(image: RgbImage, box: Box): Float32Array {
  const out = new Float32Array(PATCH_SIZE * PATCH_SIZE);
  const { width, height, data } = image;
  const grey = (x: number, y: number) => {
    const o = (y * width + x) * 3;
    return (data[o] + 2 * data[o + 1] + data[o + 2]) / 4;
  };
  for (let j = 0; j < PATCH_SIZE; j++) {
    const y = Math.min(height - 1.001, Math.max(0, box.y + ((j + 0.5) * box.height) / PATCH_SIZE - 0.5));
    const y0 = Math.floor(y);
    const fy = y - y0;
    for (let i = 0; i < PATCH_SIZE; i++) {
      const x = Math.min(width - 1.001, Math.max(0, box.x + ((i + 0.5) * box.width) / PATCH_SIZE - 0.5));
      const x0 = Math.floor(x);
      const fx = x - x0;
      const top = grey(x0, y0) * (1 - fx) + grey(x0 + 1, y0) * fx;
      const bottom = grey(x0, y0 + 1) * (1 - fx) + grey(x0 + 1, y0 + 1) * fx;
      out[j * PATCH_SIZE + i] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

function normalise(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += p[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (p[i] - mean) ** 2;
  const sd = Math.sqrt(ss / n) || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (p[i] - mean) / sd;
  return out;
}

export interface PatchMotion {
  /** Translation of the content from the reference to the current patch, in patch samples. */
  dx: number;
  dy: number;
  /** RMS of what the translation does not explain, in units of the patch's contrast (0 = identical). */
  residual: number;
}

/** One Lucas-Kanade step between two patches of the same box. */
export function patchMotion(reference: ArrayLike<number>, current: ArrayLike<number>): PatchMotion {
  const r = normalise(reference);
  const c = normalise(current);
  const s = PATCH_SIZE;
  // Gradients of the reference and the difference, once, on the interior samples.
  const inner = (s - 2) * (s - 2);
  const gx = new Float64Array(inner);
  const gy = new Float64Array(inner);
  const dt = new Float64Array(inner);
  let n = 0;
  for (let y = 1; y < s - 1; y++) {
    for (let x = 1; x < s - 1; x++, n++) {
      const k = y * s + x;
      gx[n] = (r[k + 1] - r[k - 1]) / 2;
      gy[n] = (r[k + s] - r[k - s]) / 2;
      dt[n] = c[k] - r[k];
    }
  }
  let gxx = 0;
  let gxy = 0;
  let gyy = 0;
  let bx = 0;
  let by = 0;
  for (let i = 0; i < n; i++) {
    gxx += gx[i] * gx[i];
    gxy += gx[i] * gy[i];
    gyy += gy[i] * gy[i];
    bx += gx[i] * dt[i];
    by += gy[i] * dt[i];
  }
  const det = gxx * gyy - gxy * gxy;
  if (!(det > 1e-9)) return { dx: 0, dy: 0, residual: Infinity };
  // current(x) = reference(x - d)  =>  dt = -d . grad(reference)
  const dx = -(gyy * bx - gxy * by) / det;
  const dy = -(gxx * by - gxy * bx) / det;
  let err = 0;
  for (let i = 0; i < n; i++) err += (dt[i] + dx * gx[i] + dy * gy[i]) ** 2;
  return { dx, dy, residual: Math.sqrt(err / n) };
}

/** A patch as compact text for the tracking state (one byte a sample; btoa/atob run in Node and browsers). */
export function encodePatch(patch: Float32Array): string {
  let text = '';
  for (const v of patch) text += String.fromCharCode(Math.max(0, Math.min(255, Math.round(v))));
  return btoa(text);
}

export function decodePatch(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
