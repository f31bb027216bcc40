/**
 * The samples estimate policy (planSamplesEstimate) as a table: queue depth and estimate age in,
 * plan out. The queue is a stand-in that only reports how many jobs wait (the policy reads nothing
 * else of it); app.test.ts runs the same policy against real Redis and BullMQ.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planSamplesEstimate } from '../src/admission.ts';
import type { JobQueue } from '../src/job-queue.ts';
import { ApiError } from '../src/errors.ts';

const limits = { intervalMs: 1500, maxAgeMs: 5000, maxQueuedJobs: 40 };
const NOW = 1_000_000;
const queueWith = (waiting: number) => ({ waiting: async () => waiting }) as unknown as JobQueue;
/** A session whose newest estimate is `ageMs` old and covers samples through capture time 0. */
const estimatedAgo = (ageMs: number) => ({ lastEstimateJson: '{"heart_rate":70}', estimatedThroughTs: 0, estimatedAt: NOW - ageMs });
const noEstimate = { lastEstimateJson: null, estimatedThroughTs: null, estimatedAt: null };
const plan = (waiting: number, meta: Parameters<typeof planSamplesEstimate>[1], newestSent = 2000) => planSamplesEstimate(queueWith(waiting), meta, newestSent, limits, NOW);

describe('samples estimate policy', () => {
  test('samples covering less than the interval since the estimate reuse it, whatever the queue', async () => {
    assert.equal(await plan(100, estimatedAgo(60_000), 1000), 'reuse');
  });

  test('while at most half the queue limit waits, a post waits for a fresh estimate', async () => {
    assert.equal(await plan(20, estimatedAgo(1000)), 'fresh');
    assert.equal(await plan(20, noEstimate), 'fresh');
  });

  test('while more wait, a young estimate is answered at once, and refreshed in the background from half the age limit while the queue has room', async () => {
    assert.equal(await plan(21, estimatedAgo(2400)), 'defer', 'younger than half the age limit');
    assert.equal(await plan(21, estimatedAgo(2600)), 'refresh');
    assert.equal(await plan(40, estimatedAgo(4950)), 'refresh', 'at the queue limit');
    assert.equal(await plan(41, estimatedAgo(2600)), 'defer', 'past the queue limit: answered, nothing queued');
  });

  test('an estimate past the age limit, or none, waits for a fresh one, and past the queue limit is refused', async () => {
    assert.equal(await plan(30, estimatedAgo(5000)), 'fresh');
    await assert.rejects(plan(41, estimatedAgo(5000)), (err: unknown) => err instanceof ApiError && err.code === 'overloaded');
    await assert.rejects(plan(41, noEstimate), (err: unknown) => err instanceof ApiError && err.code === 'overloaded');
  });
});
