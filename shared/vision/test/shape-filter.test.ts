import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applySimilarity, fitSimilarity, oneEuroStep, startShapeFilter, updateShapeFilter, type Point } from '../src/index.ts';

/** A face-like ring of 68 points with a fixed pseudo-random wobble. */
const base: Point[] = Array.from({ length: 68 }, (_, i) => ({ x: 50 * Math.cos(i * 0.37) + (i % 7), y: 60 * Math.sin(i * 0.37) - (i % 5) }));

function gaussian(seed: number): () => number {
  let s = seed;
  const u = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

describe('similarity fit', () => {
  test('recovers translation, scale and roll of a transformed shape', () => {
    const start = startShapeFilter(base);
    const truth = { tx: 210, ty: 140, scale: 73, rot: 0.2 };
    const fit = fitSimilarity(start.shape, applySimilarity(start.shape, truth));
    assert.ok(Math.abs(fit.tx - truth.tx) < 1e-6 && Math.abs(fit.ty - truth.ty) < 1e-6);
    assert.ok(Math.abs(fit.scale - truth.scale) < 1e-6 && Math.abs(fit.rot - truth.rot) < 1e-9);
    assert.ok(fit.residual < 1e-9);
  });
});

describe('shape filter', () => {
  test('removes most of the per-point jitter of a still face', () => {
    const noise = gaussian(7);
    let state = startShapeFilter(base);
    let prev: Point[] | null = null;
    let rawStep = 0;
    let filteredStep = 0;
    let prevRaw: Point[] | null = null;
    for (let i = 0; i < 100; i++) {
      const raw = base.map((p) => ({ x: p.x + 0.6 * noise(), y: p.y + 0.6 * noise() }));
      const out = updateShapeFilter(state, raw, 1 / 30);
      state = out.state;
      if (prev && prevRaw && i > 20) {
        filteredStep += out.landmarks.reduce((s, p, k) => s + Math.hypot(p.x - prev![k].x, p.y - prev![k].y), 0) / 68;
        rawStep += raw.reduce((s, p, k) => s + Math.hypot(p.x - prevRaw![k].x, p.y - prevRaw![k].y), 0) / 68;
      }
      prev = out.landmarks;
      prevRaw = raw;
    }
    assert.ok(filteredStep < rawStep / 5, `filtered ${filteredStep.toFixed(2)} vs raw ${rawStep.toFixed(2)}`);
  });

  test('follows a 30 px jump within two frames', () => {
    let state = startShapeFilter(base);
    for (let i = 0; i < 10; i++) state = updateShapeFilter(state, base, 1 / 30).state;
    const moved = base.map((p) => ({ x: p.x + 30, y: p.y }));
    let out = updateShapeFilter(state, moved, 1 / 30);
    out = updateShapeFilter(out.state, moved, 1 / 30);
    out = updateShapeFilter(out.state, moved, 1 / 30);
    const dx = out.landmarks.reduce((s, p, k) => s + p.x - base[k].x, 0) / 68;
    assert.ok(dx > 27, `moved ${dx.toFixed(1)} of 30 px after three frames`);
  });
});

describe('One-Euro filter', () => {
  test('passes the first value, smooths noise, and holds a constant', () => {
    let s = oneEuroStep(null, [5], 0.1, { minCutoff: 1, beta: 0, derivativeCutoff: 1 });
    assert.deepEqual(s.value, [5]);
    for (let i = 0; i < 50; i++) s = oneEuroStep(s, [5], 0.1, { minCutoff: 1, beta: 0, derivativeCutoff: 1 });
    assert.ok(Math.abs(s.value[0] - 5) < 1e-9);
    const half = oneEuroStep(s, [6], 0.1, { minCutoff: 1, beta: 0, derivativeCutoff: 1 });
    assert.ok(half.value[0] > 5 && half.value[0] < 6);
  });
});
