import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { FaceDetector, FaceTracker, rasterizePolygon, regionColor, skinRegions, type RgbImage } from '../src/index.ts';

const fixture = path.resolve(import.meta.dirname, '../../../fixtures/astronaut.png');

async function load(file: string, width?: number): Promise<RgbImage> {
  let img = sharp(file).removeAlpha();
  if (width) img = img.resize({ width });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const inside = (p: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }, margin: number) =>
  p.x >= b.x - margin && p.x <= b.x + b.width + margin && p.y >= b.y - margin * 3 && p.y <= b.y + b.height + margin;

describe('face detection and skin regions (face-api on the wasm backend)', () => {
  let detector: FaceDetector;
  let portrait: RgbImage;
  before(async () => {
    detector = await FaceDetector.load({ backend: 'wasm', inputSize: 256, minScore: 0.5, threads: 1 });
    portrait = await load(fixture);
  });

  test('finds the one face in the portrait with 68 landmarks inside its box', async () => {
    const faces = await detector.detect(portrait);
    assert.equal(faces.length, 1);
    const [face] = faces;
    assert.equal(face.landmarks.length, 68);
    assert.ok(face.box.width > 80 && face.box.width < 250, `box ${JSON.stringify(face.box)}`);
    // The astronaut's face is in the upper middle of the picture.
    assert.ok(face.box.x > 120 && face.box.x + face.box.width < 320 && face.box.y < 160);
    for (const p of face.landmarks) assert.ok(inside(p, face.box, 25), `landmark ${JSON.stringify(p)} outside the box`);
  });

  test('regions sit on skin: forehead above the eyes, cheeks beside the nose, none on the mouth', async () => {
    const [face] = await detector.detect(portrait);
    const regions = skinRegions(face.landmarks);
    const eyeY = (face.landmarks[37].y + face.landmarks[44].y) / 2;
    const mouthTop = Math.min(...face.landmarks.slice(48, 60).map((p) => p.y));
    const mean = (poly: { y: number }[]) => poly.reduce((s, p) => s + p.y, 0) / poly.length;
    assert.ok(mean(regions.forehead) < eyeY);
    assert.ok(mean(regions.left_cheek) > eyeY && mean(regions.left_cheek) < mouthTop + 5);
    assert.ok(mean(regions.right_cheek) > eyeY && mean(regions.right_cheek) < mouthTop + 5);
    for (const name of ['forehead', 'left_cheek', 'right_cheek'] as const) {
      const c = regionColor(portrait, regions[name]);
      assert.ok(c.pixels > 200, `${name}: only ${c.pixels} skin pixels`);
      // Skin: red above green above blue.
      assert.ok(c.r > c.g && c.g > c.b, `${name} colour ${c.r},${c.g},${c.b}`);
    }
  });

  test('a frame without a face gives no_face guidance and no observation', async () => {
    const grey = { data: new Uint8Array(320 * 240 * 3).fill(120), width: 320, height: 240 };
    const { observation: obs } = await new FaceTracker(detector).step(grey, 0, null, 'grey');
    assert.equal(obs.face, null);
    assert.deepEqual(obs.guidance, ['no_face']);
  });

  test('a dark frame is flagged too_dark', async () => {
    const dark = { ...portrait, data: portrait.data.map((v) => v * 0.18) };
    const tracker = new FaceTracker(detector);
    const { observation: obs } = await tracker.step(dark, 0, null, 'dark');
    assert.ok(obs.face, 'the face is still found at 18 % brightness');
    assert.deepEqual(obs.guidance, ['too_dark']);
    const { observation: normal } = await tracker.step(portrait, 0, null, 'normal');
    assert.deepEqual(normal.guidance, []);
  });

  test('repeated detection does not leak tensors', async () => {
    await detector.detect(portrait);
    const before = detector.tensorMemory().numTensors;
    for (let i = 0; i < 10; i++) await detector.detect(portrait);
    assert.equal(detector.tensorMemory().numTensors, before);
  });
});

describe('rasterizePolygon', () => {
  test('a 10x10 square covers 100 pixels', () => {
    const sq = [
      { x: 5, y: 5 },
      { x: 15, y: 5 },
      { x: 15, y: 15 },
      { x: 5, y: 15 },
    ];
    assert.equal(rasterizePolygon(sq, 40, 40).length, 100);
  });
  test('clips to the image', () => {
    const sq = [
      { x: -5, y: -5 },
      { x: 5, y: -5 },
      { x: 5, y: 5 },
      { x: -5, y: 5 },
    ];
    assert.equal(rasterizePolygon(sq, 40, 40).length, 25);
  });
});
