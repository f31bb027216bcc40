import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimatePulsecam } from '@pulsecam/dsp';
import { decodeTracker, encodeTracker } from '../src/tracker-codec.ts';

describe('tracker history codec', () => {
  const t = Array.from({ length: 250 }, (_, i) => i / 10);
  const wave = (k: number) => t.map((x) => 120 + k * Math.sin(2 * Math.PI * 1.2 * x) + Math.sin(7 * x));
  const history = estimatePulsecam({ t, skin: [wave(0.1), wave(0.4), wave(0.2)] }).history!;

  test('round-trips every number exactly', () => {
    const back = decodeTracker(encodeTracker(history));
    assert.ok(back);
    assert.equal(back.layout, history.layout);
    assert.equal(back.windows.length, history.windows.length);
    back.windows.forEach((w, i) => {
      const want = history.windows[i];
      assert.equal(w.endT, want.endT);
      assert.equal(w.samples, want.samples);
      assert.equal(w.peakBpm, want.peakBpm);
      assert.deepEqual(Array.from(w.emission), Array.from(want.emission));
    });
  });

  test('bytes that are not a history read as none', () => {
    const bytes = encodeTracker(history);
    assert.equal(decodeTracker(null), null);
    assert.equal(decodeTracker(Buffer.from('not a tracker')), null);
    assert.equal(decodeTracker(bytes.subarray(0, bytes.length - 3)), null);
  });
});
