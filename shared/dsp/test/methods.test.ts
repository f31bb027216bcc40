import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chrom, estimateHeartRate, METHOD_NAMES } from '../src/index.ts';
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

describe('CHROM covers the whole window', () => {
  test('the newest 0.8 s carries the pulse (no zeros where the overlap-add used to stop)', () => {
    // 10 s at 30 fps plus 7 samples: the length is not a multiple of the half window.
    const trace = pulsingTrace({ bpm: 72, seconds: 10.23, fps: 30, noise: 0.05, seed: 5 });
    const rgb = [Float64Array.from(trace.r), Float64Array.from(trace.g), Float64Array.from(trace.b)] as const;
    const out = chrom(rgb, { fs: 30 });
    const rms = (a: Float64Array, from: number, to: number) => Math.sqrt(a.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
    const n = out.length;
    const tail = rms(out, n - 24, n);
    const middle = rms(out, Math.floor(n / 2) - 45, Math.floor(n / 2) + 45);
    assert.ok(tail > 0.5 * middle && tail < 2 * middle, `newest 0.8 s RMS ${tail.toExponential(2)} vs middle ${middle.toExponential(2)}`);
    const head = rms(out, 0, 24);
    assert.ok(head > 0.5 * middle && head < 2 * middle, `oldest 0.8 s RMS ${head.toExponential(2)} vs middle ${middle.toExponential(2)}`);
  });
});
