import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeNotice, encodeNotice, estimatedNotice, hashSecret, SessionStore, type EstimateNotice } from '../src/index.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

describe('estimate notices', () => {
  test('every notice reads back as it was written (estimates and reasons may hold any text, new lines too)', () => {
    const head = { sessionId: fc.uuid(), ticket: fc.integer({ min: -(2 ** 43), max: 2 ** 43 }) };
    const notice: fc.Arbitrary<EstimateNotice> = fc.oneof(
      fc.record({ ...head, outcome: fc.constant('estimated' as const), estimateJson: fc.json() }),
      fc.record({ ...head, outcome: fc.constant('gone' as const) }),
      fc.record({ ...head, outcome: fc.constant('failed' as const), reason: fc.string() }),
    );
    fc.assert(fc.property(notice, (n) => assert.deepEqual(decodeNotice(encodeNotice(n)), { ...n })));
  });

  test('a message that is not a notice is none', () => {
    for (const message of ['', 'hello', '12 abc estimated', '12 abc made\n{}', 'x abc gone\n', '12 abc gone extra\n', ' abc gone\n']) {
      assert.equal(decodeNotice(message), null, JSON.stringify(message));
    }
  });

  test('saving an estimate with its notice publishes exactly the estimated notice, in the same step; a session gone publishes nothing', async () => {
    const { redis } = await connectTestRedis();
    const subscriber = redis.duplicate();
    const prefix = testPrefix();
    try {
      const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 10, bufferSeconds: 10, bufferMaxSamples: 50 });
      const id = await store.create({ id: 'ip:test', maxSessions: 10 }, hashSecret('t'));
      const heard: string[] = [];
      const notice = estimatedNotice(prefix, id, -8_000_000_000_123);
      await subscriber.subscribe(notice.channel);
      subscriber.on('message', (_channel: string, message: string) => heard.push(message));
      const json = await store.saveEstimate(id, { heart_rate: 66.5, message: 'a\nb' }, 1000, null, notice);
      await store.delete(id);
      assert.equal(await store.saveEstimate(id, { heart_rate: 70 }, 2000, null, notice), null);
      await redis.ping();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(heard.map(decodeNotice), [{ sessionId: id, ticket: -8_000_000_000_123, outcome: 'estimated', estimateJson: json }]);
    } finally {
      subscriber.disconnect();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    }
  });
});
