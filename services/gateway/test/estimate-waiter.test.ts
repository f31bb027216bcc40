/**
 * Posts waiting for their session's estimate, on real Redis: the waiter subscribes, the marks are
 * real DueEstimates marks, and the notices are published as a worker publishes them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { connectRedis, DueEstimates, publishNotice } from '@pulsecam/store';
import { EstimateFailedError, EstimateSessionGoneError, EstimateTimeoutError, EstimateWaiter } from '../src/estimate-waiter.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

describe('EstimateWaiter on real Redis', () => {
  let redis: Redis;
  let blocking: Redis;
  let waiter: EstimateWaiter;
  let due: DueEstimates;
  const prefix = testPrefix();

  before(async () => {
    let url: string;
    ({ redis, url } = await connectTestRedis());
    blocking = redis.duplicate();
    waiter = new EstimateWaiter(connectRedis(url), prefix);
    await waiter.ready();
    due = new DueEstimates(redis, prefix);
  });
  after(async () => {
    await waiter.close();
    blocking.disconnect();
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  /** What a worker does: take the lowest mark and tell what became of it. */
  const workerTakes = async (outcome: 'estimated' | 'gone' | 'failed', estimateJson = '{"heart_rate":70}') => {
    const taken = (await due.take(blocking, 2))!;
    const head = { sessionId: taken.sessionId, ticket: taken.score };
    await publishNotice(redis, prefix, outcome === 'estimated' ? { ...head, outcome, estimateJson } : outcome === 'gone' ? { ...head, outcome } : { ...head, outcome, reason: 'boom' });
    return taken;
  };

  test('a post is answered with the estimate of its own mark; posts that share a mark share it', async () => {
    const one = waiter.estimate('s1', () => due.markWaited('s1'), 5000);
    const two = waiter.estimate('s1', () => due.markWaited('s1'), 5000);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await due.counts(), { marked: 1, waited: 1 }, 'one mark for both');
    await workerTakes('estimated', '{"heart_rate":64}');
    assert.deepEqual(await Promise.all([one, two]), ['{"heart_rate":64}', '{"heart_rate":64}']);
  });

  test('a notice that comes before the mark has answered is not missed', async () => {
    const answered = waiter.estimate(
      's2',
      async () => {
        const ticket = await due.markWaited('s2');
        // The worker takes the mark and tells at once, before this post has read its ticket.
        await workerTakes('estimated', '{"heart_rate":81}');
        await new Promise((r) => setTimeout(r, 50));
        return ticket;
      },
      5000,
    );
    assert.equal(await answered, '{"heart_rate":81}');
  });

  test("another mark's estimate does not answer a post; with none for its own it times out", async () => {
    // An earlier mark of the session, taken before this post stored its samples.
    await due.markWaited('s3');
    const earlier = (await due.take(blocking, 2))!;
    const started = Date.now();
    const answered = waiter.estimate('s3', () => due.markWaited('s3'), 400);
    await new Promise((r) => setTimeout(r, 50));
    await publishNotice(redis, prefix, { sessionId: 's3', ticket: earlier.score, outcome: 'estimated', estimateJson: '{}' });
    await assert.rejects(answered, EstimateTimeoutError);
    assert.ok(Date.now() - started >= 350);
    assert.equal((await due.take(blocking, 1))?.sessionId, 's3', 'the mark stays: the estimate is made for the next post');
  });

  test('a session gone, or an estimate that failed, is told to the post', async () => {
    const gone = waiter.estimate('s4', () => due.markWaited('s4'), 5000);
    await workerTakes('gone');
    await assert.rejects(gone, EstimateSessionGoneError);
    const failed = waiter.estimate('s5', () => due.markWaited('s5'), 5000);
    await workerTakes('failed');
    await assert.rejects(failed, (err: unknown) => err instanceof EstimateFailedError && err.message === 'boom');
  });

  test("a mark that cannot be made is the post's error, and nothing waits on", async () => {
    const refused = new Error('redis away');
    await assert.rejects(
      waiter.estimate('s6', async () => Promise.reject(refused), 5000),
      (err: unknown) => err === refused,
    );
    // A mark that fails after the post's deadline: the post gets the mark's error, and the deadline's
    // rejection is nobody's (an unhandled rejection would end the process).
    await assert.rejects(
      waiter.estimate('s6', () => new Promise<number>((_, reject) => setTimeout(() => reject(refused), 100)), 20),
      (err: unknown) => err === refused,
    );
    // The waiter holds nothing for it: a later post of the session waits on its own mark alone.
    const later = waiter.estimate('s6', () => due.markWaited('s6'), 5000);
    await workerTakes('estimated', '{"heart_rate":59}');
    assert.equal(await later, '{"heart_rate":59}');
  });
});
