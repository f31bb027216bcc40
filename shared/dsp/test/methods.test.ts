import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateHeartRate, METHOD_NAMES } from '../src/index.ts';
import { pulsingTrace } from './signals.ts';

describe('every rPPG method recovers a known pulse rate', () => {
  for (const method of METHOD_NAMES) {
    for (const bpm of [48, 75, 120, 170]) {
      test(`${method} at ${bpm} bpm with sensor noise`, () => {
        const trace = pulsingTrace({ bpm, seconds: 20, fps: 30, noise: 0.15, seed: bpm });
        const e = estimateHeartRate(trace, { method });
        assert.ok(e.bpm !== null, `${method} answered null`);
        assert.ok(Math.abs(e.bpm - bpm) < 1.5, `${method}: ${e.bpm} vs ${bpm}`);
      });
    }
  }
});

describe('methods that cancel intensity beat GREEN under in-band white flicker', () => {
  const trace = pulsingTrace({
    bpm: 70,
    seconds: 20,
    fps: 30,
    noise: 0.05,
    intensity: (t) => 0.01 * Math.sin(2 * Math.PI * 1.7 * t),
    seed: 3,
  });
  test('GREEN locks on the flicker', () => {
    const e = estimateHeartRate(trace, { method: 'green' });
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 102) < 3, `green: ${e.bpm}`);
  });
  for (const method of ['pos', 'chrom'] as const) {
    test(`${method} finds the pulse`, () => {
      const e = estimateHeartRate(trace, { method });
      assert.ok(e.bpm !== null && Math.abs(e.bpm - 70) < 2, `${method}: ${e.bpm}`);
    });
  }
});

describe('estimateHeartRate', () => {
  test('irregular timestamps (15 fps, 60 % jitter) still give the right rate', () => {
    const trace = pulsingTrace({ bpm: 84, seconds: 20, fps: 15, jitter: 0.6, noise: 0.1, seed: 11 });
    const e = estimateHeartRate(trace, { method: 'pos' });
    assert.ok(e.bpm !== null && Math.abs(e.bpm - 84) < 1.5, `got ${e.bpm}`);
  });

  test('60 fps input gives the same rate as 30 fps', () => {
    const a = estimateHeartRate(pulsingTrace({ bpm: 95, seconds: 15, fps: 60, noise: 0.1, seed: 2 }), { method: 'pos' });
    const b = estimateHeartRate(pulsingTrace({ bpm: 95, seconds: 15, fps: 30, noise: 0.1, seed: 2 }), { method: 'pos' });
    assert.ok(a.bpm !== null && b.bpm !== null && Math.abs(a.bpm - b.bpm) < 1);
  });

  test('no answer before minSeconds of signal', () => {
    const e = estimateHeartRate(pulsingTrace({ bpm: 70, seconds: 4, fps: 30 }), { minSeconds: 5 });
    assert.equal(e.bpm, null);
    assert.equal(e.reason, 'not_enough_signal');
    assert.equal(e.confidence, 'none');
  });

  test('pure noise gives low quality; a clean pulse gives high quality', () => {
    const clean = estimateHeartRate(pulsingTrace({ bpm: 70, seconds: 15, fps: 30, noise: 0.05, seed: 4 }));
    const noise = estimateHeartRate(pulsingTrace({ bpm: 70, seconds: 15, fps: 30, amplitude: 0, noise: 1, seed: 4 }));
    assert.ok(clean.quality > 0.5, `clean quality ${clean.quality}`);
    assert.ok(noise.quality < clean.quality / 2, `noise quality ${noise.quality}`);
  });
});
