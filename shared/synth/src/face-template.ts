/**
 * The portrait a synthetic video is made from, with a soft mask of its facial skin: the face
 * outline from the 68 landmarks (forehead included), minus eyes, brows and mouth, weighted by how
 * skin-coloured each pixel is, and feathered.
 */
import sharp from 'sharp';
import { FaceDetector, rasterizePolygon, type Point } from '@pulsecam/vision';

export interface FaceTemplate {
  width: number;
  height: number;
  /** Pixels as floats, 0-255, RGB interleaved. */
  rgb: Float32Array;
  /** 0-1 per pixel: how much of this pixel is facial skin that pulses. */
  mask: Float32Array;
  landmarks: Point[];
}

function scaleAbout(points: Point[], factor: number): Point[] {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length;
  return points.map((p) => ({ x: cx + (p.x - cx) * factor, y: cy + (p.y - cy) * factor }));
}

export async function loadFaceTemplate(imagePath: string, detector: FaceDetector): Promise<FaceTemplate> {
  const { data, info } = await sharp(imagePath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const width = info.width;
  const height = info.height;
  const pixels = new Uint8Array(data);
  const faces = await detector.detect({ data: pixels, width, height });
  if (faces.length === 0) throw new Error(`no face found in ${imagePath}`);
  const lm = faces[0].landmarks;
  const eyeDistance = Math.hypot(lm[45].x - lm[36].x, lm[45].y - lm[36].y);
  const forehead = lm
    .slice(17, 27)
    .reverse()
    .map((p) => ({ x: p.x, y: p.y - 0.75 * eyeDistance }));
  const outline = [...lm.slice(0, 17), ...forehead];
  const inside = new Float32Array(width * height);
  for (const i of rasterizePolygon(outline, width, height)) inside[i] = 1;
  const holes = [
    scaleAbout(lm.slice(36, 42), 1.8),
    scaleAbout(lm.slice(42, 48), 1.8),
    scaleAbout(lm.slice(17, 22), 1.3),
    scaleAbout(lm.slice(22, 27), 1.3),
    scaleAbout(lm.slice(48, 60), 1.25),
    scaleAbout([lm[31], lm[32], lm[33], lm[34], lm[35], lm[30]], 1.1),
  ];
  for (const hole of holes) for (const i of rasterizePolygon(hole, width, height)) inside[i] = 0;

  // Skin likelihood from rg-chromaticity distance to the face's median skin colour.
  const cr: number[] = [];
  const cg: number[] = [];
  for (let i = 0; i < width * height; i++) {
    if (!inside[i]) continue;
    const s = pixels[i * 3] + pixels[i * 3 + 1] + pixels[i * 3 + 2] || 1;
    cr.push(pixels[i * 3] / s);
    cg.push(pixels[i * 3 + 1] / s);
  }
  cr.sort((a, b) => a - b);
  cg.sort((a, b) => a - b);
  const mr = cr[cr.length >> 1];
  const mg = cg[cg.length >> 1];
  const raw = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    if (!inside[i]) continue;
    const s = pixels[i * 3] + pixels[i * 3 + 1] + pixels[i * 3 + 2] || 1;
    const d = Math.hypot(pixels[i * 3] / s - mr, pixels[i * 3 + 1] / s - mg);
    const brightness = s / 3;
    const skin = Math.max(0, Math.min(1, 1 - (d - 0.03) / 0.04)) * (brightness > 25 ? 1 : 0);
    raw[i] = Math.round(skin * 255);
  }
  const feathered = await sharp(raw, { raw: { width, height, channels: 1 } }).blur(1.5).extractChannel(0).raw().toBuffer();
  const mask = new Float32Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = feathered[i] / 255;
  return { width, height, rgb: Float32Array.from(pixels), mask, landmarks: lm };
}
