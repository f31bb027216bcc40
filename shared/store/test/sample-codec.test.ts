import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { richSampleOf, sampleAsStored, traceSampleOfRich } from '@pulsecam/contracts';
import { decodeEntry, encodeNoFace, encodeSample, encodeSampleJson, type TraceSample } from '../src/sample.ts';

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
  test('the JSON form is the text JSON.stringify gives for the rounded sample', () => {
    fc.assert(fc.property(sample, (s) => assert.equal(encodeSampleJson(s), reference(s))), { numRuns: 300 });
  });

  test('the binary form reads back as exactly the numbers the JSON form gave (so estimates are unchanged)', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const stored = encodeSample(s);
        assert.ok(Buffer.isBuffer(stored), 'a sample of the schema shape is stored binary');
        assert.notEqual(stored[0], '{'.charCodeAt(0));
        assert.deepEqual([...stored.subarray(2, 8)], [0, 0, 0, 0, 0, 0], 'the head is padded with zeros (the same sample is always the same bytes)');
        assert.deepEqual(decodeEntry(stored), decodeEntry(reference(s)));
      }),
      { numRuns: 500 },
    );
  });

  test('a device sends its samples rounded as stored: they store as the same bytes as the unrounded sample, and rounding again changes nothing', () => {
    fc.assert(
      fc.property(sample, (s) => {
        const sent = traceSampleOfRich(richSampleOf(s))!;
        assert.deepEqual(encodeSample(sent), encodeSample(s));
        assert.deepEqual(sampleAsStored(sent), sent);
        assert.ok(JSON.stringify(sent).length <= JSON.stringify(s).length);
      }),
      { numRuns: 500 },
    );
  });

  test('entries written as JSON by an earlier version still read, as text or as bytes', () => {
    const s: TraceSample = { t: 1234.5, skin: [170.1234, 120.5, 95], pose: [200.12345, 180, 60, 0.01] };
    assert.deepEqual(decodeEntry(reference(s)), decodeEntry(encodeSample(s)));
    assert.deepEqual(decodeEntry(Buffer.from(reference(s))), decodeEntry(encodeSample(s)));
    assert.deepEqual(decodeEntry(Buffer.from('{"t":5,"x":1}')), { t: 5 });
  });

  test('bytes cut short or with flags that do not match their length are refused, not read as numbers', () => {
    const whole = encodeSample({ t: 5, skin: [1, 2, 3], pose: [1, 2, 3, 4] }) as Buffer;
    assert.throws(() => decodeEntry(whole.subarray(0, whole.length - 8)), RangeError);
    const lying = Buffer.from(whole);
    lying[1] |= 1; // claims regions it does not hold
    assert.throws(() => decodeEntry(lying), RangeError);
  });

  test('a frame without a face keeps only its time', () => {
    assert.deepEqual(decodeEntry(encodeNoFace(987654.25)), { t: 987654.25 });
  });

  test('a value that is not finite reads back as null, as from JSON', () => {
    const s: TraceSample = { t: 5, skin: [1, Number.NaN, Number.POSITIVE_INFINITY] };
    assert.equal(encodeSampleJson(s), '{"t":5,"s":[1,null,null]}');
    assert.deepEqual(decodeEntry(encodeSample(s)), decodeEntry(encodeSampleJson(s)));
  });

  test('a sample of another shape than the schema is stored as JSON', () => {
    const odd = { t: 7, skin: [1, 2, 3], pose: [1, 2, 3] } as unknown as TraceSample;
    assert.equal(typeof encodeSample(odd), 'string');
    assert.deepEqual(decodeEntry(encodeSample(odd)), decodeEntry(reference(odd)));
  });
});
