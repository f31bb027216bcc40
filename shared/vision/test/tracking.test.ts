import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { FaceDetector, FaceTracker, type Point, type RgbImage, type TrackState } from '../src/index.ts';

const fixture = path.resolve(import.meta.dirname, '../../../fixtures/astronaut.png');

/** The portrait moved by (dx, dy) whole pixels on a grey background, with a little sensor noise. */
function shifted(image: RgbImage, dx: number, dy: number, seed: number): RgbImage {
  const data = new Uint8Array(image.data.length).fill(110);
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 6;
  };
  for (let y = 0; y < image.height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < image.width; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= image.width) continue;
      for (let c = 0; c < 3; c++) data[(y * image.width + x) * 3 + c] = Math.max(0, Math.min(255, image.data[(sy * image.width + sx) * 3 + c] + noise()));
    }
  }
  return { data, width: image.width, height: image.height };
}

const centre = (pts: Point[]) => ({ x: pts.reduce((a, p) => a + p.x, 0) / pts.length, y: pts.reduce((a, p) => a + p.y, 0) / pts.length });
const meanStep = (a: Point[], b: Point[]) => a.reduce((s, p, i) => s + Math.hypot(p.x - b[i].x, p.y - b[i].y), 0) / a.length;

describe('face tracking (face-api landmarks on a predicted region, steadied over time)', () => {
  let detector: FaceDetector;
  let portrait: RgbImage;
  before(async () => {
    detector = await FaceDetector.load({ backend: 'wasm', inputSize: 256, minScore: 0.5, threads: 1 });
    const { data, info } = await sharp(fixture).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    portrait = { data: new Uint8Array(data), width: info.width, height: info.height };
  });

  test('a still face is detected once, then followed without the detector (mostly without the landmark model), landmarks steady to 0.1 px', async () => {
    const tracker = new FaceTracker(detector);
    let state: TrackState | null = null;
    const paths: string[] = [];
    const steps: number[] = [];
    let previous: Point[] | null = null;
    for (let i = 0; i < 20; i++) {
      const out = await tracker.step(shifted(portrait, 0, 0, i + 1), i * 100, state, 'still');
      state = out.state;
      paths.push(out.observation.path);
      const landmarks = out.observation.face?.landmarks;
      assert.ok(landmarks, `frame ${i}: face lost`);
      if (previous && i > 3) steps.push(meanStep(landmarks, previous));
      previous = landmarks;
    }
    assert.equal(paths[0], 'detected');
    // Followed, never searched again: fitted on a predicted region, or held while the face has not moved.
    assert.ok(paths.slice(1).every((p) => p === 'tracked' || p === 'held'), paths.join(','));
    assert.ok(paths.filter((p) => p === 'held').length >= 10, `a still face keeps its landmarks on most frames: ${paths.join(',')}`);
    const jitter = steps.reduce((a, b) => a + b, 0) / steps.length;
    assert.ok(jitter < 0.1, `landmark jitter ${jitter.toFixed(3)} px/frame`);
  });

  test('a moving face is followed within a couple of frames', async () => {
    const tracker = new FaceTracker(detector);
    let state: TrackState | null = null;
    const truth0 = centre((await detector.detect(portrait))[0].landmarks);
    let last: Point[] = [];
    for (let i = 0; i < 16; i++) {
      const dx = i < 6 ? 0 : Math.min(40, (i - 5) * 8);
      const out = await tracker.step(shifted(portrait, dx, 0, i + 1), i * 100, state, 'moving');
      state = out.state;
      assert.ok(out.observation.face, `frame ${i}: face lost while moving`);
      last = out.observation.face.landmarks;
    }
    // 40 px to the right, reached two frames before the end: the regions are there too.
    const c = centre(last);
    assert.ok(Math.abs(c.x - (truth0.x + 40)) < 2.5 && Math.abs(c.y - truth0.y) < 2.5, `centre ${c.x.toFixed(1)},${c.y.toFixed(1)} vs ${(truth0.x + 40).toFixed(1)},${truth0.y.toFixed(1)}`);
  });

  test('a face that leaves is reported lost, the search backs off, and the face is found again when it returns', async () => {
    const tracker = new FaceTracker(detector, { ...new FaceTracker(detector).options, maxSearchWait: 3 });
    const grey: RgbImage = { data: new Uint8Array(portrait.data.length).fill(110), width: portrait.width, height: portrait.height };
    let state: TrackState | null = null;
    const run = async (image: RgbImage, i: number) => {
      const out = await tracker.step(tracker.wantsPixels(state) ? image : null, i * 100, state, 'leave');
      state = out.state;
      return out.observation;
    };
    for (let i = 0; i < 5; i++) assert.ok((await run(portrait, i)).face);
    const empty = [];
    for (let i = 5; i < 20; i++) empty.push(await run(grey, i));
    assert.ok(empty.every((o) => o.face === null && o.guidance.includes('no_face')), 'no face while the scene is empty');
    const searched = empty.filter((o) => o.path === 'searched').length;
    assert.ok(empty.some((o) => o.path === 'skipped'), 'the full-frame search backs off');
    assert.ok(searched <= 8, `${searched} full-frame searches in 15 empty frames`);
    let back = -1;
    for (let i = 20; i < 26; i++) {
      const o = await run(portrait, i);
      if (o.face && back < 0) back = i - 20;
    }
    assert.ok(back >= 0 && back <= 3, `face found again ${back} frames after it returned`);
  });
});
