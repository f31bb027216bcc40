import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { carriesOn, clockVerdict } from '../src/session-clock.ts';

const limits = { bufferMs: 30_000, toleranceMs: 10_000 };

describe('the session clock rule', () => {
  const capture = { clock: 'capture' as const, newest: { ts: 600_000, arrivedAt: 1_000_000 } };

  test('a session with no frames yet takes any time on its own clock', () => {
    assert.equal(clockVerdict({ ...capture, newest: null }, { timestamp: 5, t: 5 }, 1_000_000, limits), null);
  });

  test('times inside the timeline pass: a little behind, or ahead by the wall time since plus the tolerance', () => {
    assert.equal(clockVerdict(capture, { timestamp: 590_000, t: 590_000 }, 1_000_000, limits), null);
    assert.equal(clockVerdict(capture, { timestamp: 615_000, t: 615_000 }, 1_005_000, limits), null);
  });

  test('far past (older than the buffer), far future and another clock origin are refused with the expected range', () => {
    const past = clockVerdict(capture, { timestamp: 500_000, t: 500_000 }, 1_000_000, limits);
    assert.match(past?.message ?? '', /expected 570000 to 610000 ms/);
    assert.equal(past?.ahead, false);
    assert.equal(clockVerdict(capture, { timestamp: 700_000, t: 700_000 }, 1_000_000, limits)?.ahead, true);
    // The receive-time origin (epoch ms) against a capture clock that started at 0.
    assert.ok(clockVerdict(capture, { timestamp: 1_732_000_000_000, t: 1_732_000_000_000 }, 1_000_000, limits));
  });

  test('a request that waited in the service does not push the next frames out: the wall time counts from its arrival', () => {
    // The newest frame (600 s) came in a request that arrived at 1,000 s and was stored 15 s later
    // (a backlog). The client kept capturing: its next request, sent when the answer came, carries
    // frames up to 615 s and arrives at 1,015.1 s. Counted from the storing, it would be refused,
    // and so would every later frame of the session.
    assert.equal(clockVerdict(capture, { timestamp: 615_000, t: 615_000 }, 1_015_100, limits), null);
    assert.ok(clockVerdict({ ...capture, newest: { ts: 600_000, arrivedAt: 1_015_000 } }, { timestamp: 615_000, t: 615_000 }, 1_015_100, limits));
  });

  test('a request wholly ahead carries on from the last one that was when it moves on with the wall time; a stamp that does not move on never does', () => {
    // A request held up on the way: its frames (up to 620 s) arrived at 1,002 s, 8 s beyond a
    // timeline that allowed 612 s. Refused, and remembered.
    assert.equal(clockVerdict(capture, { timestamp: 620_000, t: 620_000 }, 1_002_000, limits)?.ahead, true);
    const previous = { ts: 620_000, arrivedAt: 1_002_000 };
    // The client's next frames, a second later, carry on from those; a far-future stamp does not,
    // nor the same far-future stamp sent again.
    assert.equal(carriesOn(previous, 621_000, 1_003_000, limits), true);
    assert.equal(carriesOn(previous, 900_000, 1_003_000, limits), false);
    assert.equal(carriesOn({ ts: 1e12, arrivedAt: 1_002_000 }, 1e12, 1_003_000, limits), false);
  });

  test('clocks are never mixed in a session', () => {
    assert.match(clockVerdict(capture, { t: 1_000_000 }, 1_000_000, limits)?.message ?? '', /send timestamp/);
    const receive = { clock: 'receive' as const, newest: { ts: 999_000, arrivedAt: 999_000 } };
    assert.match(clockVerdict(receive, { timestamp: 999_500, t: 999_500 }, 1_000_000, limits)?.message ?? '', /omit timestamp/);
    assert.equal(clockVerdict(receive, { t: 1_000_000 }, 1_000_000, limits), null);
  });
});
