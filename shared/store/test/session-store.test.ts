import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redisPrefix, sessionKeys } from '@pulsecam/contracts';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { ApiKeyStore, hashSecret, newSecret, secretMatches, SessionLimitError, SessionStore, WorkLedger, type TraceSample } from '../src/index.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

const limits = { ttlSeconds: 60, maxSessions: 3, bufferSeconds: 10, bufferMaxSamples: 50 };
const owner = { id: 'ip:test', maxSessions: 100 };
const sample = (t: number): TraceSample => ({ t, skin: [150 + t / 1000, 110, 90], pose: [100, 100, 40, 0] });

describe('SessionStore on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  before(async () => {
    ({ redis } = await connectTestRedis());
  });
  after(async () => {
    await redis.quit();
  });
  afterEach(async () => {
    await cleanPrefix(redis, prefix);
  });

  test('creates, reads, lists and deletes sessions', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    assert.ok(await store.exists(id));
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 0);
    assert.ok(meta!.expiresAt > Date.now() + 50_000);
    assert.deepEqual((await store.list()).map((m) => m.id), [id]);
    assert.equal(await store.delete(id), true);
    assert.equal(await store.exists(id), false);
    assert.equal(await store.delete(id), false);
  });

  test('a batch of frames: samples, no-face frames, the tracking state and the face box in one step', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    const track = { format: '640x480', t: 1200, face: null, search: { misses: 2, wait: 1 }, skin: null };
    const box = { x: 1, y: 2, width: 3, height: 4 };
    assert.equal(await store.recordFrames(id, { newestTs: 1300, samples: [sample(1000), sample(1100)], noFaceTimes: [1200, 1300], box, track }), 4);
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 4);
    assert.equal(meta?.faces, 2);
    assert.equal(meta?.lastFrameTs, 1300);
    assert.deepEqual(meta?.lastBox, box);
    assert.deepEqual(meta?.track, track);
    const timeline = await store.timeline(id);
    assert.deepEqual(timeline.samples.map((x) => x.t), [1000, 1100]);
    assert.deepEqual(timeline.noFaceTimes, [1200, 1300]);
    // A later batch without a face box keeps the last one.
    await store.recordFrames(id, { newestTs: 1400, samples: [], noFaceTimes: [1400], box: null, track: { ...track, t: 1400 } });
    assert.deepEqual((await store.meta(id))?.lastBox, box);
    assert.equal(((await store.meta(id))?.track as { t: number }).t, 1400);
  });

  test('a frame is stored and counted once, however often it is sent (retried jobs, client retries)', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    const batch = { newestTs: 1200, samples: [sample(1000), sample(1100)], noFaceTimes: [1200], box: null, track: null };
    assert.equal(await store.recordFrames(id, batch), 3);
    assert.equal(await store.recordFrames(id, batch), 0, 'the same batch again stores nothing');
    assert.equal(await store.recordFrames(id, { ...batch, samples: [sample(1100), sample(1300)], noFaceTimes: [], newestTs: 1300 }), 1);
    assert.equal(await store.recordSamples(id, [sample(1000), sample(1400)]), 1);
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 5);
    assert.equal(meta?.faces, 4);
    const timeline = await store.timeline(id);
    assert.deepEqual(timeline.samples.map((x) => x.t), [1000, 1100, 1300, 1400]);
    assert.deepEqual(timeline.noFaceTimes, [1200]);
    assert.equal(await store.recordSamples('00000000-0000-4000-8000-000000000000', [sample(1)]), null);
  });

  test('each capture time is stored once, to the last digit: within a post, across posts, at the edges of a post\'s span', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ...limits, maxSessions: 1000, bufferMaxSamples: 10_000 });
    // Epoch milliseconds with a fraction (as a browser's performance clock gives): more digits
    // than a Lua number written by redis.call keeps.
    const base = 1_764_654_321_123.4567;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 }), async (posts) => {
        const id = await store.create(owner, hashSecret('token'));
        const seen = new Set<number>();
        for (const steps of posts) {
          const times = steps.map((k) => base + k * 0.1001);
          const fresh = new Set(times.filter((t) => !seen.has(t))).size;
          assert.equal(await store.recordSamples(id, times.map(sample)), fresh);
          for (const t of times) seen.add(t);
        }
        const stored = (await store.timeline(id)).samples.map((x) => x.t);
        assert.deepEqual(stored, [...seen].sort((a, b) => a - b));
        assert.equal((await store.meta(id))?.frames, seen.size);
      }),
      { numRuns: 25 },
    );
  });

  test('one holder of a session stream at a time; only the holder releases it; it expires by itself', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    assert.equal(await store.lockStream(id, 'a', 5_000), true);
    assert.equal(await store.lockStream(id, 'b', 5_000), false);
    await store.unlockStream(id, 'b');
    assert.equal(await store.lockStream(id, 'b', 5_000), false, 'a non-holder cannot release the lock');
    await store.unlockStream(id, 'a');
    assert.equal(await store.lockStream(id, 'b', 150), true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await store.lockStream(id, 'c', 5_000), true, 'a dead holder\'s lock expires');
  });

  test('refuses sessions beyond the limit, and frees a place on delete', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const ids = [await store.create(owner, hashSecret('token')), await store.create(owner, hashSecret('token')), await store.create(owner, hashSecret('token'))];
    await assert.rejects(store.create(owner, hashSecret('token')), SessionLimitError);
    await store.delete(ids[0]);
    assert.ok(await store.create(owner, hashSecret('token')));
  });

  test('samples written out of order read back in capture order; trace trimmed by age and count', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    const times = Array.from({ length: 40 }, (_, i) => 1000 + i * 100);
    const shuffled = [...times].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((t) => store.recordFrame(id, t, sample(t), { x: 1, y: 2, width: 3, height: 4 })));
    const trace = await store.trace(id);
    assert.deepEqual(trace.map((s) => s.t), times);
    assert.ok(Math.abs(trace[5].skin[0] - (150 + times[5] / 1000)) < 1e-3);

    // 10 s buffer: a sample 20 s later pushes everything older than 10 s out.
    await store.recordFrame(id, 25_000, sample(25_000), null);
    assert.deepEqual((await store.trace(id)).map((s) => s.t), [25_000]);
    // Count cap: 60 samples inside 10 s keep the newest 50.
    for (let i = 1; i <= 60; i++) await store.recordFrame(id, 25_000 + i * 10, sample(25_000 + i * 10), null);
    const capped = await store.trace(id);
    assert.equal(capped.length, 50);
    assert.equal(capped[capped.length - 1].t, 25_600);
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 101);
    assert.equal(meta?.faces, 101);
    assert.equal(meta?.lastFrameTs, 25_600);
  });

  test('an estimate reads the trace, the frames without a face, the tracker and the newest frame time in one step', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    assert.deepEqual(await store.liveTimeline(id), { samples: [], noFaceTimes: [], tracker: null, lastFrameTs: null, estimatedAt: null });
    const rich = { t: 1000, skin: [170.1234, 120.5, 95] as [number, number, number], regions: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as [[number, number, number], [number, number, number], [number, number, number]], pose: [200.12345, 180, 60, 0.01] as [number, number, number, number] };
    await store.recordSamples(id, [rich, { ...rich, t: 1100 }], [1200]);
    const live = await store.liveTimeline(id);
    assert.deepEqual(live?.samples.map((s) => s.t), [1000, 1100]);
    assert.deepEqual(live?.samples[0].skin, [170.123, 120.5, 95], 'colours kept to 3 decimals');
    assert.deepEqual(live?.samples[0].pose, [200.1235, 180, 60, 0.01], 'pose to 4');
    assert.deepEqual(live?.noFaceTimes, [1200]);
    assert.equal(live?.lastFrameTs, 1200);
    assert.deepEqual(live && { samples: live.samples, noFaceTimes: live.noFaceTimes, tracker: live.tracker }, await store.timeline(id));
    const before = Date.now();
    await store.saveEstimate(id, { heart_rate: 70 }, 1100);
    const estimatedAt = (await store.liveTimeline(id))?.estimatedAt;
    assert.ok(estimatedAt !== null && estimatedAt !== undefined && estimatedAt >= before && estimatedAt <= Date.now(), `estimated at ${estimatedAt}`);
    await store.delete(id);
    assert.equal(await store.liveTimeline(id), null);
  });

  test("the tracker's windows are kept with the estimate, live as long as the session, and go with it", async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    const emission = Float32Array.from({ length: 199 }, (_, i) => Math.log(1e-4 + i / 1000));
    const tracker = { layout: 'test-layout', windows: [{ endT: 10.2, samples: 100, peakBpm: 71.5, emission }] };
    assert.equal((await store.timeline(id)).tracker, null);
    await store.saveEstimate(id, { heart_rate: 71.5 }, 10_200, tracker);
    const kept = (await store.timeline(id)).tracker;
    assert.equal(kept?.layout, 'test-layout');
    assert.deepEqual(Array.from(kept!.windows[0].emission), Array.from(emission));
    const key = sessionKeys(prefix, id).tracker;
    const ttl = await redis.pttl(key);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `tracker ttl ${ttl}`);
    // Without a tracker the kept one stays; deleting the session deletes it.
    await store.saveEstimate(id, { heart_rate: 72 }, 11_200);
    assert.equal((await store.timeline(id)).tracker?.windows[0].peakBpm, 71.5);
    await store.delete(id);
    assert.equal(await redis.exists(key), 0);
    // A late estimate does not bring a deleted session's tracker back.
    await store.saveEstimate(id, { heart_rate: 72 }, 12_200, tracker);
    assert.equal(await redis.exists(key), 0);
  });

  test('a frame without a face is counted but adds no sample', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    assert.equal(await store.recordFrame(id, 500, null, null), true);
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 1);
    assert.equal(meta?.faces, 0);
    assert.equal((await store.trace(id)).length, 0);
  });

  test('sessions expire after the TTL, and an expired session takes no frames', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ...limits, ttlSeconds: 1 });
    const id = await store.create(owner, hashSecret('token'));
    await store.recordFrame(id, 1, sample(1), null);
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(await store.exists(id), false);
    assert.equal((await store.trace(id)).length, 0);
    assert.equal(await store.recordFrame(id, 2, sample(2), null), false);
    assert.equal(await store.count(), 0);
  });

  test('activity refreshes the TTL', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ...limits, ttlSeconds: 1 });
    const id = await store.create(owner, hashSecret('token'));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await store.recordFrame(id, i, sample(i), null), true);
    }
    assert.equal(await store.exists(id), true);
  });

  test('a session keeps only its token hash and owner; an owner is held to its own quota', async () => {
    prefix = testPrefix();
    const store = new SessionStore(redis, prefix, { ...limits, maxSessions: 5 });
    const token = newSecret('pst');
    assert.match(token, /^pst_[A-Za-z0-9_-]{43}$/);
    const alice = { id: 'key:alice', maxSessions: 2 };
    const a1 = await store.create(alice, hashSecret(token));
    const meta = await store.meta(a1);
    assert.equal(meta?.owner, 'key:alice');
    assert.ok(secretMatches(token, meta?.tokenHash ?? undefined));
    assert.ok(!secretMatches(newSecret('pst'), meta?.tokenHash ?? undefined));
    const stored = JSON.stringify(await redis.hgetall(`${redisPrefix(prefix)}:session:${a1}`));
    assert.ok(!stored.includes(token), 'the plain token is not stored');
    await store.create(alice, hashSecret(newSecret('pst')));
    await assert.rejects(store.create(alice, hashSecret('x')), (err: SessionLimitError) => err.scope === 'client');
    // Bob still has room: one client's quota leaves the rest of the service to the others.
    const b1 = await store.create({ id: 'key:bob', maxSessions: 2 }, hashSecret('y'));
    assert.deepEqual((await store.list('key:bob')).map((m) => m.id), [b1]);
    assert.equal((await store.list('key:alice')).length, 2);
    // A deleted session frees its owner's place.
    await store.delete(a1, 'key:alice');
    assert.ok(await store.create(alice, hashSecret('z')));
  });

  test('API keys are stored hashed, looked up, listed and revoked', async () => {
    prefix = testPrefix();
    const keys = new ApiKeyStore(redis, prefix);
    const { key, record } = await keys.create('lab-1', { rpm: 100, fps: 20 });
    assert.match(key, /^pk_/);
    assert.equal(record.rpm, 100);
    assert.deepEqual(await keys.lookup(key), record);
    assert.equal(await keys.lookup(newSecret('pk')), null);
    await assert.rejects(keys.create('lab-1'), /exists/);
    const dump = JSON.stringify(await redis.hgetall(`${redisPrefix(prefix)}:apikeys`)) + JSON.stringify(await redis.hgetall(`${redisPrefix(prefix)}:apikeys:names`));
    assert.ok(!dump.includes(key), 'the plain key is not stored');
    assert.deepEqual((await keys.list()).map((k) => k.name), ['lab-1']);
    assert.equal(await keys.revoke('lab-1'), true);
    assert.equal(await keys.lookup(key), null);
    assert.equal(await keys.revoke('lab-1'), false);
  });

  test('API keys stored under the untagged names of earlier versions are moved under the hash tag once', async () => {
    prefix = testPrefix();
    const keys = new ApiKeyStore(redis, prefix);
    const { key, record } = await keys.create('old-lab');
    // As an earlier version stored them: `prefix:apikeys`, no braces.
    await redis.rename(`${redisPrefix(prefix)}:apikeys`, `${prefix}:apikeys`);
    await redis.rename(`${redisPrefix(prefix)}:apikeys:names`, `${prefix}:apikeys:names`);
    assert.equal(await keys.lookup(key), null);
    assert.equal(await keys.adoptUntagged(), 1);
    assert.deepEqual(await keys.lookup(key), record);
    assert.equal(await redis.exists(`${prefix}:apikeys`, `${prefix}:apikeys:names`), 0);
    assert.equal(await keys.adoptUntagged(), 0, 'nothing left to move');
    await redis.del(`${prefix}:apikeys`, `${prefix}:apikeys:names`);
  });

  test('work ledger: per-session frames and total bytes are capped, released once, and lapse at their deadline', async () => {
    prefix = testPrefix();
    let now = 1_000_000;
    const ledger = new WorkLedger(redis, prefix, () => now);
    const caps = { maxSessionFrames: 10, maxQueuedBytes: 1000 };
    const job = (jobId: string, sessionId: string, frames: number, bytes: number) => ({ jobId, sessionId, frames, bytes, deadline: now + 5000 });
    // One request larger than a cap goes through while nothing waits.
    assert.deepEqual(await ledger.reserve(job('j1', 's1', 12, 100), caps), { ok: true });
    assert.deepEqual(await ledger.reserve(job('j2', 's1', 1, 100), caps), { ok: false, limit: 'session_frames', current: 12 });
    assert.deepEqual(await ledger.reserve(job('j3', 's2', 5, 950), caps), { ok: false, limit: 'queued_bytes', current: 100 });
    assert.deepEqual(await ledger.reserve(job('j4', 's2', 5, 800), caps), { ok: true });
    assert.deepEqual(await ledger.totals('s1'), { sessionFrames: 12, bytes: 900, jobs: 2 });
    assert.equal(await ledger.release('j1'), true);
    assert.equal(await ledger.release('j1'), false, 'released once');
    assert.deepEqual(await ledger.totals('s1'), { sessionFrames: 0, bytes: 800, jobs: 1 });
    // j4's releaser never comes: its reservation lapses at the deadline.
    now += 6000;
    assert.deepEqual(await ledger.reserve(job('j5', 's1', 1, 10), caps), { ok: true });
    assert.deepEqual(await ledger.totals('s2'), { sessionFrames: 0, bytes: 10, jobs: 1 });
  });
});

describe('SessionStore.recordSamples on real Redis', () => {
  let redis: Redis;
  const prefix = testPrefix();
  before(async () => {
    ({ redis } = await connectTestRedis());
  });
  after(async () => {
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  test('stores many client samples in one step, in capture order, counted as frames with a face', async () => {
    const store = new SessionStore(redis, prefix, limits);
    const id = await store.create(owner, hashSecret('token'));
    const samples = [300, 100, 200].map((t) => ({ t, skin: [t, 1, 2] as [number, number, number] }));
    assert.equal(await store.recordSamples(id, samples), 3);
    assert.deepEqual((await store.trace(id)).map((s) => s.t), [100, 200, 300]);
    const meta = await store.meta(id);
    assert.equal(meta?.frames, 3);
    assert.equal(meta?.faces, 3);
    assert.equal(meta?.lastFrameTs, 300);
    assert.equal(await store.recordSamples('00000000-0000-4000-8000-000000000000', samples), null);
  });
});

describe('Lua scripts are registered once and run by hash', () => {
  test('after the first call, every call is an EVALSHA; a flushed script cache is reloaded by itself', async () => {
    const { redis } = await connectTestRedis();
    const { redis: watcher } = await connectTestRedis();
    const prefix = testPrefix();
    const seen: string[] = [];
    const monitor = await watcher.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/^eval/i.test(args[0]) && args.some((a) => String(a).includes(prefix))) seen.push(args[0].toLowerCase());
    });
    try {
      const store = new SessionStore(redis, prefix, limits);
      const id = await store.create(owner, hashSecret('token'));
      for (let i = 0; i < 3; i++) assert.equal(await store.touch(id), true);
      await redis.script('FLUSH');
      assert.equal(await store.touch(id), true, 'works after SCRIPT FLUSH');
      assert.equal(await store.touch(id), true);
      // Let the monitor catch up with the last commands.
      await new Promise((r) => setTimeout(r, 200));
      // create + 5 touches: the first use of each script on a connection is one EVAL (it loads the
      // script); every later call is an EVALSHA. The one right after the flush finds no script
      // (NOSCRIPT) and is sent again as EVAL; the next is by hash again.
      assert.deepEqual(seen, ['eval', 'eval', 'evalsha', 'evalsha', 'evalsha', 'eval', 'evalsha']);
      await cleanPrefix(redis, prefix);
    } finally {
      monitor.disconnect();
      await redis.quit();
      watcher.disconnect();
    }
  });
});
