import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodePatch, encodePatch, PATCH_SIZE, patchMotion, samplePatch, type RgbImage } from '../src/index.ts';

/** A smooth textured scene (sums of sinusoids), shifted by (sx, sy) pixels, with a gain. */
function scene(sx: number, sy: number, gain = 1, phase = 0): RgbImage {
  const width = 200;
  const height = 200;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x - sx;
      const v = y - sy;
      const g = 120 + 40 * Math.sin(u / 7 + phase) + 30 * Math.cos(v / 5) + 20 * Math.sin((u + v) / 11);
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(g * gain)));
    }
  }
  return { data, width, height };
}

const box = { x: 50, y: 60, width: 96, height: 96 };
const shiftPx = (m: { dx: number; dy: number }) => ({ x: (m.dx * box.width) / PATCH_SIZE, y: (m.dy * box.height) / PATCH_SIZE });

describe('motion gate (one Lucas-Kanade step on a grey patch of the face box)', () => {
  test('the same scene: no motion, tiny residual', () => {
    const m = patchMotion(samplePatch(scene(0, 0), box), samplePatch(scene(0, 0), box));
    assert.ok(Math.hypot(m.dx, m.dy) < 1e-6 && m.residual < 1e-6);
  });

  test('a sub-pixel shift is measured to a tenth of a pixel', () => {
    const m = shiftPx(patchMotion(samplePatch(scene(0, 0), box), samplePatch(scene(0.6, -0.4), box)));
    assert.ok(Math.abs(m.x - 0.6) < 0.1 && Math.abs(m.y + 0.4) < 0.1, `measured ${m.x.toFixed(2)}, ${m.y.toFixed(2)}`);
  });

  test('a change of light is not motion', () => {
    const m = patchMotion(samplePatch(scene(0, 0), box), samplePatch(scene(0, 0, 1.3), box));
    const s = shiftPx(m);
    assert.ok(Math.hypot(s.x, s.y) < 0.05 && m.residual < 0.05, JSON.stringify(m));
  });

  test('different content leaves a large residual', () => {
    const m = patchMotion(samplePatch(scene(0, 0), box), samplePatch(scene(0, 0, 1, 2), box));
    assert.ok(m.residual > 0.3, `residual ${m.residual.toFixed(2)}`);
  });

  test('patches survive the text round trip within a grey level', () => {
    const p = samplePatch(scene(0, 0), box);
    const back = decodePatch(encodePatch(p));
    assert.equal(back.length, p.length);
    assert.ok(p.every((v, i) => Math.abs(v - back[i]) <= 0.5));
  });
});
