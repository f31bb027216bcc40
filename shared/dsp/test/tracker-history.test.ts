/**
 * The tracker's windows handed from one estimate to the next: a live session's estimates analyse
 * only the windows that are new, and answer as the estimator does from scratch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_PULSECAM_OPTIONS, estimatePulsecam, type RichTrace, type TrackerHistory } from '../src/index.ts';
import { pulsingTrace } from './signals.ts';

const ramp = (t: number) => 70 + 1.5 * t; // 70 -> 160 bpm over a minute
const whole = pulsingTrace({ bpm: ramp, seconds: 60, fps: 10, noise: 0.15, jitter: 0.3, seed: 4 });

/** The trace a session holds at `endSeconds`: the newest `bufferSeconds` of it. */
function bufferAt(endSeconds: number, bufferSeconds = 30, edit?: (trace: RichTrace) => void): RichTrace {
  const keep = whole.t.map((t, i) => [t, i] as const).filter(([t]) => t <= endSeconds && t > endSeconds - bufferSeconds).map(([, i]) => i);
  const pick = (xs: number[]) => keep.map((i) => xs[i]);
  const trace: RichTrace = { t: pick(whole.t), skin: [pick(whole.r), pick(whole.g), pick(whole.b)] };
  edit?.(trace);
  return trace;
}

describe('tracker history between estimates', () => {
  test('without a history, the estimate is the one every window analysed afresh gives', () => {
    const fresh = estimatePulsecam(bufferAt(25));
    const again = estimatePulsecam(bufferAt(25), {}, null);
    assert.equal(again.bpm, fresh.bpm);
    // 25 s of samples: 10 s windows ending in the last 15 s (the first ~10.9 s, the newest 24.9 s), one a step.
    const step = DEFAULT_PULSECAM_OPTIONS.stepSeconds;
    const expected = Math.floor(14 / step + 1e-9) + 1;
    assert.ok(fresh.history && fresh.history.windows.length === expected, `windows ${fresh.history?.windows.length}, expected ${expected}`);
    const ends = fresh.history.windows.map((w) => w.endT);
    ends.slice(1).forEach((end, i) => assert.ok(Math.abs(end - ends[i] - step) < 1e-9, 'one step apart'));
  });

  test('a session estimated every 1.5 s reuses all but its newest windows and follows a ramp like fresh estimates', () => {
    let history: TrackerHistory | null = null;
    let worst = 0;
    for (let end = 12; end <= 60; end += 1.5) {
      const live = estimatePulsecam(bufferAt(end), {}, history);
      const fresh = estimatePulsecam(bufferAt(end));
      if (history && live.history) {
        const reused = live.history.windows.filter((w) => history!.windows.includes(w)).length;
        // At most two lattice windows are new (1.5 s, at a step of a second or more) and the newest is analysed anew.
        assert.ok(reused >= live.history.windows.length - 3, `reused ${reused} of ${live.history.windows.length} at ${end} s`);
      }
      assert.ok(live.bpm !== null && fresh.bpm !== null, `answers at ${end} s`);
      worst = Math.max(worst, Math.abs(live.bpm - fresh.bpm));
      assert.ok(Math.abs(live.bpm - ramp(end - 5)) < 4, `live ${live.bpm} vs truth ${ramp(end - 5)} at ${end} s`);
      history = live.history;
    }
    assert.ok(worst < 1.5, `live vs fresh differ by up to ${worst.toFixed(2)} bpm`);
  });

  test('a window whose samples changed (a late sample) is analysed again; another layout starts afresh', () => {
    const first = estimatePulsecam(bufferAt(30));
    const late = (trace: RichTrace) => {
      // Drop one sample from the middle of the buffer, as if it had not arrived then.
      const i = Math.floor(trace.t.length / 2);
      const cut = <T>(xs: ArrayLike<T>) => Array.from(xs).filter((_, j) => j !== i);
      trace.t = cut(trace.t);
      trace.skin = [cut(trace.skin[0]), cut(trace.skin[1]), cut(trace.skin[2])];
    };
    const changed = estimatePulsecam(bufferAt(30, 30, late), {}, first.history);
    const kept = changed.history!.windows.filter((w) => first.history!.windows.includes(w)).length;
    assert.ok(kept > 0 && kept < first.history!.windows.length - 1, `windows kept: ${kept}`);
    const other = estimatePulsecam(bufferAt(30), { windowSeconds: 8 }, first.history);
    assert.equal(other.history!.windows.filter((w) => first.history!.windows.includes(w)).length, 0);
  });
});
