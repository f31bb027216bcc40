import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeEntry, encodeSample, type TraceSample } from '../src/sample.ts';

/** The stored form as first written: JSON.stringify of the rounded fields. */
function reference(sample: TraceSample): string {
  const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
  const rgb = (c: readonly number[]) => c.map((v) => round(v));
  return JSON.stringify({
    t: sample.t,
    s: rgb(sample.skin),
    ...(sample.regions ? { r: sample.regions.map(rgb) } : {}),
    ...(sample.pixels ? { n: sample.pixels } : {}),
    ...(sample.background ? { b: rgb(sample.background) } : {}),
    ...(sample.pose ? { p: sample.pose.map((v) => round(v, 4)) } : {}),
  });
}

const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.constant(-0));
const rgb = fc.tuple(value, value, value);
const sample = fc.record(
  {
    t: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ min: 0, max: 1e13, noNaN: true })),
    skin: rgb,
    regions: fc.tuple(rgb, rgb, rgb),
    pixels: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
    background: rgb,
    pose: fc.tuple(value, value, value, value),
  },
  { requiredKeys: ['t', 'skin'] },
) as fc.Arbitrary<TraceSample>;

describe('stored sample encoding', () => {
  test('is the text JSON.stringify gives for the rounded sample, and reads back', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const text = encodeSample(s);
        assert.equal(text, reference(s));
        const back = decodeEntry(text) as TraceSample;
        assert.equal(back.t, s.t);
        assert.equal(back.skin.length, 3);
      }),
      { numRuns: 500 },
    );
  });

  test('a value that is not finite is stored as null (as JSON.stringify would), so the entry still parses', () => {
    const text = encodeSample({ t: 5, skin: [1, Number.NaN, Number.POSITIVE_INFINITY] });
    assert.equal(text, '{"t":5,"s":[1,null,null]}');
    assert.doesNotThrow(() => JSON.parse(text));
  });
});
