import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateController } from '../src/rate-control.ts';

describe('the page adapts its frame rate to the service', () => {
  test('starts at the full rate and keeps it while answers are quick', () => {
    const rc = new RateController();
    for (let i = 0; i < 10; i++) rc.answered(200);
    assert.equal(rc.fps, 10);
  });

  test('slow answers bring the rate down in proportion, never below the floor', () => {
    const rc = new RateController();
    rc.answered(1600);
    assert.equal(rc.fps, 5);
    for (let i = 0; i < 10; i++) rc.answered(5000);
    assert.equal(rc.fps, 4);
  });

  test('quick answers bring it back up a frame a second at a time', () => {
    const rc = new RateController();
    rc.answered(1600);
    const after = [];
    for (let i = 0; i < 6; i++) {
      rc.answered(300);
      after.push(rc.fps);
    }
    assert.deepEqual(after, [6, 7, 8, 9, 10, 10]);
  });

  test('answers near the target leave the rate alone', () => {
    const rc = new RateController();
    rc.answered(1600);
    rc.answered(700);
    assert.equal(rc.fps, 5);
  });

  test('a refusal halves the rate and pauses for Retry-After; one batch in flight at a time', () => {
    const rc = new RateController();
    rc.refused(1000, 2);
    assert.equal(rc.fps, 5);
    assert.equal(rc.maySend(2500, 0), false);
    assert.equal(rc.maySend(3000, 0), true);
    assert.equal(rc.maySend(3000, 1), false);
  });

  test('the queue keeps the newest two seconds of frames at the current rate', () => {
    const rc = new RateController();
    assert.equal(rc.maxQueued, 20);
    rc.answered(1600);
    assert.equal(rc.maxQueued, 10);
  });
});
