import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { DueEstimates, hashSecret, SessionStore } from '../src/index.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

describe('DueEstimates on real Redis', () => {
  let redis: Redis;
  let blocking: Redis;
  let prefix: string;
  before(async () => {
    ({ redis } = await connectTestRedis());
    blocking = redis.duplicate();
  });
  after(async () => {
    blocking.disconnect();
    await redis.quit();
  });
  afterEach(async () => {
    await cleanPrefix(redis, prefix);
  });

  test('a session is marked once, and sessions are taken oldest estimate first', async () => {
    prefix = testPrefix();
    const due = new DueEstimates(redis, prefix);
    assert.equal(await due.mark('b', 2000), true);
    assert.equal(await due.mark('a', 1000), true);
    assert.equal(await due.mark('c', 3000), true);
    assert.equal(await due.mark('b', 500), false, 'already marked: the first mark stays');
    assert.equal(await due.count(), 3);
    const order = [];
    for (let i = 0; i < 3; i++) order.push(await due.take(blocking, 1));
    assert.deepEqual(order, [
      { sessionId: 'a', score: 1000, waited: false, estimatedAt: 1000 },
      { sessionId: 'b', score: 2000, waited: false, estimatedAt: 2000 },
      { sessionId: 'c', score: 3000, waited: false, estimatedAt: 3000 },
    ]);
    assert.equal(await due.count(), 0);
    assert.equal(await due.mark('a', 4000), true, 'taken: the next post marks it again');
  });

  test('a taker waits for a mark, and gives up after its timeout', async () => {
    prefix = testPrefix();
    const due = new DueEstimates(redis, prefix);
    const started = Date.now();
    assert.equal(await due.take(blocking, 0.2), null);
    assert.ok(Date.now() - started >= 150);
    const waiting = due.take(blocking, 5);
    await new Promise((r) => setTimeout(r, 100));
    await due.mark('late', 7);
    assert.deepEqual(await waiting, { sessionId: 'late', score: 7, waited: false, estimatedAt: 7 });
  });

  test('deleting a session unmarks it', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 10, bufferSeconds: 10, bufferMaxSamples: 50 });
    const due = new DueEstimates(redis, prefix);
    const id = await store.create({ id: 'ip:test', maxSessions: 10 }, hashSecret('token'));
    await due.mark(id, 1);
    assert.equal(await due.count(), 1);
    await store.delete(id);
    assert.equal(await due.count(), 0);
  });

  test('a session estimated (by a job someone waited for) is no longer due', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 10, bufferSeconds: 10, bufferMaxSamples: 50 });
    const due = new DueEstimates(redis, prefix);
    const [id, other] = [await store.create({ id: 'ip:test', maxSessions: 10 }, hashSecret('t')), await store.create({ id: 'ip:test', maxSessions: 10 }, hashSecret('t'))];
    await due.mark(id, 1);
    await due.mark(other, 2);
    await store.saveEstimate(id, { heart_rate: 70 }, 1000);
    assert.deepEqual(await due.take(blocking, 1), { sessionId: other, score: 2, waited: false, estimatedAt: 2 }, 'only the other one is left');
    assert.equal(await due.count(), 0);
  });

  test('a mark a post waits for goes before every background mark, in the order posts asked, and shares a mark already waited for', async () => {
    prefix = testPrefix();
    const due = new DueEstimates(redis, prefix);
    await due.mark('old', 1000);
    await due.mark('older', 500);
    const first = await due.markWaited('old', 1_700_000_000_000);
    const second = await due.markWaited('new', 1_700_000_000_050);
    assert.ok(first < 0 && second > first, 'negative, ordered by when they asked');
    assert.equal(await due.markWaited('old', 1_700_000_000_100), first, 'already waited for: the same mark, the same ticket');
    assert.deepEqual(await due.counts(), { marked: 3, waited: 2 });
    assert.deepEqual(await due.take(blocking, 1), { sessionId: 'old', score: first, waited: true, estimatedAt: null });
    assert.deepEqual(await due.take(blocking, 1), { sessionId: 'new', score: second, waited: true, estimatedAt: null });
    assert.deepEqual(await due.take(blocking, 1), { sessionId: 'older', score: 500, waited: false, estimatedAt: 500 });
    assert.deepEqual(await due.counts(), { marked: 0, waited: 0 });
  });

  test('saving an estimate leaves a mark a post waits for to the worker that takes it', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 10, bufferSeconds: 10, bufferMaxSamples: 50 });
    const due = new DueEstimates(redis, prefix);
    const id = await store.create({ id: 'ip:test', maxSessions: 10 }, hashSecret('t'));
    const ticket = await due.markWaited(id);
    // A background estimate under way when the post marked it finishes: it read the trace before the post's samples.
    assert.equal(await store.saveEstimate(id, { heart_rate: 70 }, 1000), '{"heart_rate":70}');
    assert.deepEqual(await due.take(blocking, 1), { sessionId: id, score: ticket, waited: true, estimatedAt: null });
    await store.delete(id);
    assert.equal(await store.saveEstimate(id, { heart_rate: 70 }, 1000), null, 'a session gone saves nothing');
  });

  test('concurrent readers of the count share one reading', async () => {
    prefix = testPrefix();
    const due = new DueEstimates(redis, prefix);
    await due.mark('x', 1);
    const first = due.counts();
    assert.equal(due.counts(), first, 'the same reading while it is on its way');
    assert.deepEqual(await first, { marked: 1, waited: 0 });
    await due.markWaited('y');
    assert.deepEqual(await due.counts(), { marked: 2, waited: 1 }, 'a new reading once the last one answered');
  });
});
