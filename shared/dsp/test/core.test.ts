import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  designBandPass,
  filtfilt,
  filtfiltMany,
  normalizeByMovingMean,
  peakInBand,
  powerSpectrum,
  Regression,
  pulseSnr,
  resampleUniform,
  std,
} from '../src/index.ts';

const sine = (hz: number, fs: number, seconds: number, phase = 0) =>
  Array.from({ length: Math.round(fs * seconds) }, (_, i) => Math.sin(2 * Math.PI * hz * (i / fs) + phase));

describe('resampleUniform', () => {
  test('linear interpolation recovers a line sampled irregularly', () => {
    const t = [0, 0.07, 0.1, 0.31, 0.33, 0.5, 0.77, 1.0];
    const v = t.map((x) => 3 * x + 1);
    const u = resampleUniform(t, [v], 10);
    assert.equal(u.channels[0].length, 11);
    u.channels[0].forEach((val, k) => assert.ok(Math.abs(val - (3 * (k / 10) + 1)) < 0.16, `sample ${k}: ${val}`));
  });

  test('averages several inputs that fall in one output bin (input faster than the grid)', () => {
    const t = Array.from({ length: 121 }, (_, i) => i / 120);
    const v = t.map((_, i) => (i % 2 === 0 ? 1 : -1));
    const u = resampleUniform(t, [v], 30);
    // 120 Hz alternation is far above 15 Hz and must average out, not alias.
    for (let k = 1; k < u.channels[0].length - 1; k++) assert.ok(Math.abs(u.channels[0][k]) <= 0.51);
  });

  test('reports the longest gap', () => {
    const u = resampleUniform([0, 0.1, 0.2, 1.7, 1.8], [[1, 1, 1, 1, 1]], 10);
    assert.ok(Math.abs(u.longestGapSeconds - 1.5) < 1e-9);
  });

  test('rejects unsorted timestamps and mismatched channels', () => {
    assert.throws(() => resampleUniform([0, 2, 1], [[1, 2, 3]], 10), RangeError);
    assert.throws(() => resampleUniform([0, 1], [[1]], 10), RangeError);
  });
});

describe('band-pass filter', () => {
  const fs = 30;
  const sections = designBandPass(0.7, 4, fs, 4);
  const gainAt = (hz: number) => {
    const x = sine(hz, fs, 40);
    const y = filtfilt(x, sections);
    const mid = (arr: ArrayLike<number>) => std(arr, 300, 900);
    return mid(y) / mid(x);
  };

  test('passes in-band tones with their amplitude', () => {
    for (const hz of [1.2, 1.5, 2.5]) assert.ok(Math.abs(gainAt(hz) - 1) < 0.05, `${hz} Hz gain ${gainAt(hz)}`);
  });

  test('rejects slow drift and high-frequency noise', () => {
    assert.ok(gainAt(0.15) < 0.05, `0.15 Hz gain ${gainAt(0.15)}`);
    assert.ok(gainAt(9) < 0.05, `9 Hz gain ${gainAt(9)}`);
  });

  test('is zero-phase: the filtered peak stays where the input peak is', () => {
    const x = sine(1.2, fs, 20);
    const y = filtfilt(x, sections);
    let lag = 0;
    let best = -Infinity;
    for (let d = -10; d <= 10; d++) {
      let c = 0;
      for (let i = 100; i < 500; i++) c += x[i] * y[i + d];
      if (c > best) {
        best = c;
        lag = d;
      }
    }
    assert.equal(lag, 0);
  });

  test('filtfiltMany gives each signal exactly what filtfilt gives it, four at a time or alone', () => {
    // Six signals: one group of four, then two on their own; different shapes so a mixed-up lane would show.
    const signals = [0.9, 1.3, 2.1, 3.4, 0.2, 5].map((hz, k) => sine(hz, fs, 12, k).map((v, i) => v + 0.01 * k * i));
    const many = filtfiltMany(signals, sections);
    signals.forEach((x, k) => assert.deepEqual(Array.from(many[k]), Array.from(filtfilt(x, sections)), `signal ${k}`));
    assert.throws(() => filtfiltMany([[1, 2, 3], [1, 2]], sections), RangeError);
  });

  test('refuses a band the sampling rate cannot carry', () => {
    assert.throws(() => designBandPass(0.7, 16, 30), RangeError);
  });
});

describe('spectrum', () => {
  test('interpolated peak lands within 0.5 bpm of the true frequency', () => {
    for (const hz of [0.8, 1.234, 2.5, 3.3]) {
      const s = powerSpectrum(sine(hz, 30, 10, 0.3), 30);
      const peak = peakInBand(s, 0.7, 4);
      assert.ok(peak && Math.abs(peak.hz - hz) * 60 < 0.5, `${hz} Hz -> ${peak?.hz}`);
    }
  });

  test('SNR is high for a clean tone and low for noise', () => {
    const clean = powerSpectrum(sine(1.5, 30, 10), 30);
    let seed = 7;
    const noise = Array.from({ length: 300 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5);
    const noisy = powerSpectrum(noise, 30);
    const pn = peakInBand(noisy, 0.7, 4)!;
    assert.ok(pulseSnr(clean, 1.5, 0.7, 4) > 10);
    assert.ok(pulseSnr(noisy, pn.hz, 0.7, 4) < 1);
  });
});

describe('normalizeByMovingMean', () => {
  test('removes a multiplicative gain change', () => {
    const x = Array.from({ length: 300 }, (_, i) => (i < 150 ? 100 : 150));
    const y = normalizeByMovingMean(x, 31);
    assert.ok(Math.abs(y[50]) < 1e-12 && Math.abs(y[250]) < 1e-12);
  });
});

describe('Regression', () => {
  const n = 200;
  const wave = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  const refs = [wave((i) => Math.sin(i / 7)), wave((i) => Math.cos(i / 11)), wave((i) => (i % 13) / 13)];
  const signals = [0, 1, 2].map((k) => wave((i) => 3 * refs[0][i] - (k + 1) * refs[1][i] + 0.5 * refs[2][i] + Math.sin(i / (3 + k))));

  test('removes what the regressors explain over its span', () => {
    const regression = new Regression(refs, 50, 150);
    const cleaned = regression.apply(signals[0]);
    assert.equal(cleaned.length, 100);
    // What is left is (nearly) uncorrelated with every regressor over the span.
    for (const r of refs) {
      let dot = 0;
      for (let t = 0; t < 100; t++) dot += cleaned[t] * r[50 + t];
      assert.ok(Math.abs(dot) < 0.5, `residual . regressor = ${dot}`);
    }
  });

  test('applyThree gives each signal exactly what apply gives it', () => {
    const regression = new Regression(refs, 20, 180);
    const three = regression.applyThree(signals);
    signals.forEach((x, k) => assert.deepEqual(Array.from(three[k]), Array.from(regression.apply(x)), `signal ${k}`));
    assert.throws(() => regression.applyThree(signals.slice(0, 2)), RangeError);
  });
});
