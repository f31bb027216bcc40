import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { estimateHeartRate } from '@pulsecam/dsp';
import { FaceDetector } from '@pulsecam/vision';
import { captureTimes, createPhysiology, loadFaceTemplate, meanHeartRate, scenario, SceneRenderer, type FaceTemplate } from '../src/index.ts';

const fixture = path.resolve(import.meta.dirname, '../../../fixtures/astronaut.png');

describe('physiology', () => {
  test('beats follow the heart-rate trajectory', () => {
    const p = createPhysiology({ heartRate: (t) => 60 + 2 * t, breathingRate: 15, beatJitter: 0.01, rsa: 0.03, seed: 1 }, 30);
    assert.ok(Math.abs(meanHeartRate(p, 0, 10) - 70) < 3);
    assert.ok(Math.abs(meanHeartRate(p, 20, 30) - 110) < 4);
  });
});

describe('capture times', () => {
  test('15 fps with 10 % drops gives about 90 % of the frames, increasing', () => {
    const t = captureTimes({ fps: 15, durationSeconds: 20, timestampJitter: 0.5, dropRate: 0.1, seed: 3 });
    assert.ok(t.length > 240 && t.length < 300, `${t.length} frames`);
    for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1]);
  });
});

describe('synthetic video from the portrait', () => {
  let template: FaceTemplate;
  before(async () => {
    const detector = await FaceDetector.load({ backend: 'wasm', inputSize: 256, minScore: 0.5, threads: 1 });
    template = await loadFaceTemplate(fixture, detector);
  });

  test('the skin mask covers the face and little else', () => {
    let total = 0;
    for (const m of template.mask) total += m;
    // The face is roughly 120x150 px of the 512x512 portrait.
    assert.ok(total > 6000 && total < 25_000, `mask area ${total}`);
  });

  test('skin under the mask pulses at the scenario heart rate; background does not', async () => {
    const sc = scenario('still');
    const spec = { ...sc.spec, durationSeconds: 12, noiseSigma: 0, jpegQuality: 95 };
    const renderer = new SceneRenderer(spec, template);
    const skin = { t: [] as number[], r: [] as number[], g: [] as number[], b: [] as number[] };
    const corner = { t: [] as number[], r: [] as number[], g: [] as number[], b: [] as number[] };
    for (let i = 0; i < renderer.times.length; i++) {
      const frame = await renderer.renderFrame(i);
      const { data } = await sharp(frame.jpeg).raw().toBuffer({ resolveWithObject: true });
      const acc = [0, 0, 0, 0, 0, 0];
      let wsum = 0;
      for (let p = 0; p < template.mask.length; p++) {
        const w = template.mask[p];
        if (w > 0.9) {
          acc[0] += data[p * 3];
          acc[1] += data[p * 3 + 1];
          acc[2] += data[p * 3 + 2];
          wsum++;
        }
      }
      for (let y = 0; y < 60; y++) for (let x = 0; x < 60; x++) for (let c = 0; c < 3; c++) acc[3 + c] += data[(y * 512 + x) * 3 + c];
      const t = frame.timestampMs / 1000;
      skin.t.push(t);
      skin.r.push(acc[0] / wsum);
      skin.g.push(acc[1] / wsum);
      skin.b.push(acc[2] / wsum);
      corner.t.push(t);
      corner.r.push(acc[3] / 3600);
      corner.g.push(acc[4] / 3600);
      corner.b.push(acc[5] / 3600);
    }
    const truth = meanHeartRate(renderer.physiology, 2, 12);
    const e = estimateHeartRate(skin, { method: 'pos', windowSeconds: 10 });
    assert.ok(e.bpm !== null && Math.abs(e.bpm - truth) < 2, `skin ${e.bpm} vs truth ${truth}`);
    // Pulse amplitude like real skin: a few tenths of a percent of the green level.
    const g = skin.g;
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length);
    assert.ok(sd / mean > 0.0003 && sd / mean < 0.004, `relative green std ${sd / mean}`);
    const bg = estimateHeartRate(corner, { method: 'pos', windowSeconds: 10 });
    assert.ok(bg.bpm === null || Math.abs(bg.bpm - truth) > 3 || bg.quality < 0.2, `background looks like a pulse: ${bg.bpm}`);
  });
});
