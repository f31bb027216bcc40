import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateHeartRate, estimatePulsecam, gridRateFor, type RichTrace } from '../src/index.ts';
import { pulsingTrace } from './signals.ts';

/** A generated trace plus an artifact driven by a reference signal the estimator is given. */
function withArtifact(
  bpm: number,
  artifact: (t: number) => number,
  mix: [number, number, number],
  ref: 'pose' | 'background',
  seed = 1,
): RichTrace {
  const base = pulsingTrace({ bpm, seconds: 20, fps: 30, noise: 0.05, seed });
  const n = base.t.length;
  const a = base.t.map(artifact);
  const skin = [
    base.r.map((v, i) => v * (1 + mix[0] * a[i])),
    base.g.map((v, i) => v * (1 + mix[1] * a[i])),
    base.b.map((v, i) => v * (1 + mix[2] * a[i])),
  ] as const;
  const trace: RichTrace = { t: base.t, skin };
  if (ref === 'pose') {
    trace.pose = { cx: new Array(n).fill(200), cy: a.map((v) => 200 + 300 * v), size: new Array(n).fill(60), roll: new Array(n).fill(0) };
  } else {
    trace.background = [a.map((v) => 100 * (1 + mix[0] * v)), a.map((v) => 100 * (1 + mix[1] * v)), a.map((v) => 100 * (1 + mix[2] * v))];
  }
  return trace;
}

const asBasic = (t: RichTrace) => ({ t: t.t, r: t.skin[0], g: t.skin[1], b: t.skin[2] });

describe('Pulsecam estimator', () => {
  test('finds a clean pulse from the skin trace alone (client samples)', () => {
    for (const bpm of [45, 72, 130, 180]) {
      const base = pulsingTrace({ bpm, seconds: 20, fps: 30, noise: 0.1, seed: bpm });
      const e = estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] });
      assert.ok(e.bpm !== null && Math.abs(e.bpm - bpm) < 1.5, `${bpm}: got ${e.bpm}`);
      assert.ok(e.pulse.length > 0);
    }
  });

  test('an in-band head bob the landmarks see is removed; POS alone locks on the bob', () => {
    const trace = withArtifact(110, (t) => 0.01 * Math.sin(2 * Math.PI * 1.25 * t), [0.6, 1, 0.8], 'pose');
    const pos = estimateHeartRate(asBasic(trace), { method: 'pos' });
    assert.ok(pos.bpm !== null && Math.abs(pos.bpm - 75) < 3, `POS expected on the bob, got ${pos.bpm}`);
    const e = estimatePulsecam(trace);
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 110) < 2, `pulsecam got ${e.bpm}`);
  });

  test('coloured light flicker seen in the background is removed', () => {
    const trace = withArtifact(66, (t) => 0.01 * Math.sin(2 * Math.PI * 1.6 * t), [0.5, 1, 0.6], 'background');
    const pos = estimateHeartRate(asBasic(trace), { method: 'pos' });
    assert.ok(pos.bpm !== null && Math.abs(pos.bpm - 96) < 3, `POS expected on the flicker, got ${pos.bpm}`);
    const e = estimatePulsecam(trace);
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 66) < 2, `pulsecam got ${e.bpm}`);
  });

  test('tracks a heart-rate ramp to its current value', () => {
    const ramp = (t: number) => 90 + 3 * t; // 90 -> 150 bpm over 20 s
    const base = pulsingTrace({ bpm: ramp, seconds: 20, fps: 30, noise: 0.1, seed: 9 });
    const e = estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] });
    // The newest 10 s window spans 120-150 bpm; its mean is 135.
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 135) < 6, `got ${e.bpm}`);
  });

  test('noise without a pulse answers null or low confidence', () => {
    const base = pulsingTrace({ bpm: 70, seconds: 20, fps: 30, amplitude: 0, noise: 1, seed: 4 });
    const e = estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] });
    assert.ok(e.bpm === null || e.confidence === 'low', `noise gave ${e.bpm} (${e.confidence})`);
  });

  test('no answer before the minimum seconds', () => {
    const base = pulsingTrace({ bpm: 70, seconds: 4, fps: 30 });
    assert.equal(estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] }).reason, 'not_enough_signal');
  });

  test('a slow trace (10-19 fps) is analysed on the 15 Hz grid, a faster one on 30 Hz, and both find the pulse', () => {
    assert.deepEqual([5, 10, 15, 19.9, 20, 25, 30, 60].map((fps) => gridRateFor(fps)), [15, 15, 15, 15, 30, 30, 30, 30]);
    for (const [fps, grid] of [[10, 15], [15, 15], [24, 30], [30, 30]]) {
      for (const bpm of [48, 75, 140]) {
        const base = pulsingTrace({ bpm, seconds: 20, fps, noise: 0.1, seed: bpm + fps });
        const e = estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] });
        assert.equal(e.fs, grid, `${fps} fps`);
        assert.ok(e.bpm !== null && Math.abs(e.bpm - bpm) < 1.5, `${fps} fps, ${bpm} bpm: got ${e.bpm}`);
      }
    }
  });

  test("a live trace near 20 fps keeps its previous estimate's grid (and so its kept windows) instead of switching", () => {
    // Within GRID_HYSTERESIS_FPS (2) of 20 fps the previous grid stands; farther out, the rate decides.
    assert.deepEqual([18, 19.9, 20.1, 22].map((fps) => gridRateFor(fps, 15)), [15, 15, 15, 15]);
    assert.deepEqual([18, 19.9, 20.1, 22].map((fps) => gridRateFor(fps, 30)), [30, 30, 30, 30]);
    assert.deepEqual([17.9, 22.1].map((fps) => gridRateFor(fps, 30)), [15, 30]);
    assert.deepEqual([17.9, 22.1].map((fps) => gridRateFor(fps, 15)), [15, 30]);
    assert.equal(gridRateFor(20.5, 12), 30, 'not one of the grids: ignored');
    const skinOf = (x: ReturnType<typeof pulsingTrace>): RichTrace => ({ t: x.t, skin: [x.r, x.g, x.b] });
    const before = pulsingTrace({ bpm: 72, seconds: 20, fps: 19.6, noise: 0.1, seed: 5 });
    const first = estimatePulsecam(skinOf(before));
    assert.equal(first.fs, 15);
    // The camera's measured rate wanders above 20: afresh that would be the 30 Hz grid.
    const after = pulsingTrace({ bpm: 72, seconds: 20, fps: 20.4, noise: 0.1, seed: 6 });
    assert.equal(estimatePulsecam(skinOf(after)).fs, 30);
    const next = estimatePulsecam(skinOf(after), {}, first.history);
    assert.equal(next.fs, 15, 'the previous grid is kept');
    assert.ok(next.bpm !== null && Math.abs(next.bpm - 72) < 1.5, `got ${next.bpm}`);
    // Well past the boundary the rate decides again.
    const faster = pulsingTrace({ bpm: 72, seconds: 20, fps: 24, noise: 0.1, seed: 7 });
    assert.equal(estimatePulsecam(skinOf(faster), {}, first.history).fs, 30);
  });

  test('a caller-chosen grid is kept whatever the trace rate', () => {
    const base = pulsingTrace({ bpm: 72, seconds: 20, fps: 10, noise: 0.1, seed: 3 });
    const e = estimatePulsecam({ t: base.t, skin: [base.r, base.g, base.b] }, { fs: 30 });
    assert.equal(e.fs, 30);
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 72) < 1.5, `got ${e.bpm}`);
  });
});
