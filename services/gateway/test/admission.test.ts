/**
 * The samples estimate policy (planSamplesEstimate) as a table: backlog (jobs waiting, sessions
 * due and how many of them posts wait for) and estimate age in, plan out. The backlog is a
 * stand-in reporting those numbers (the policy reads nothing else); app.test.ts runs the same
 * policy against real Redis and BullMQ.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planSamplesEstimate } from '../src/admission.ts';
import { ApiError } from '../src/errors.ts';

const limits = { intervalMs: 1500, maxAgeMs: 5000, maxQueuedJobs: 40 };
const NOW = 1_000_000;
const backlogOf = (waiting: number, due = 0, waited = 0) => ({ waiting: async () => waiting, due: async () => ({ marked: due, waited }) });
/** A session whose newest estimate is `ageMs` old and covers samples through capture time 0. */
const estimatedAgo = (ageMs: number) => ({ lastEstimateJson: '{"heart_rate":70}', estimatedThroughTs: 0, estimatedAt: NOW - ageMs });
const noEstimate = { lastEstimateJson: null, estimatedThroughTs: null, estimatedAt: null };
const plan = (waiting: number, meta: Parameters<typeof planSamplesEstimate>[1], newestSent = 2000, due = 0, waited = 0) =>
  planSamplesEstimate(backlogOf(waiting, due, waited), meta, newestSent, limits, NOW);

describe('samples estimate policy', () => {
  test('samples covering less than the interval since the estimate reuse it, whatever the queue', async () => {
    assert.equal(await plan(100, estimatedAgo(60_000), 1000), 'reuse');
  });

  test('while at most half the queue limit waits, a post waits for a fresh estimate', async () => {
    assert.equal(await plan(20, estimatedAgo(1000)), 'fresh');
    assert.equal(await plan(20, noEstimate), 'fresh');
  });

  test('while more wait, a young estimate is answered at once, and its session marked due from half the age limit', async () => {
    assert.equal(await plan(21, estimatedAgo(2400)), 'defer', 'younger than half the age limit');
    assert.equal(await plan(21, estimatedAgo(2600)), 'refresh');
    assert.equal(await plan(41, estimatedAgo(4950)), 'refresh', 'past the queue limit too: marking a session due queues no job');
  });

  test('sessions due count with the jobs waiting: the workers are behind either way', async () => {
    assert.equal(await plan(0, estimatedAgo(2600), 2000, 21), 'refresh');
    assert.equal(await plan(10, estimatedAgo(1000), 2000, 11), 'defer');
    assert.equal(await plan(10, estimatedAgo(1000), 2000, 10), 'fresh', 'half the limit in all: a fresh estimate');
    assert.equal(await plan(0, estimatedAgo(6000), 2000, 500), 'fresh', 'an estimate too old to give waits for a fresh one while the queue has room, however many are due');
  });

  test('an estimate past the age limit, or none, waits for a fresh one, and past the queue limit is refused', async () => {
    assert.equal(await plan(30, estimatedAgo(5000)), 'fresh');
    await assert.rejects(plan(41, estimatedAgo(5000)), (err: unknown) => err instanceof ApiError && err.code === 'overloaded');
    await assert.rejects(plan(41, noEstimate), (err: unknown) => err instanceof ApiError && err.code === 'overloaded');
  });

  test('posts already waiting for estimates count against the queue limit with the jobs', async () => {
    assert.equal(await plan(10, estimatedAgo(6000), 2000, 30, 30), 'fresh', '40 waiting in all: room for one more');
    await assert.rejects(plan(10, estimatedAgo(6000), 2000, 31, 31), (err: unknown) => err instanceof ApiError && err.code === 'overloaded' && /41 jobs and estimates/.test(err.detail));
    assert.equal(await plan(10, estimatedAgo(3000), 2000, 31, 31), 'refresh', 'a young estimate is still given at once');
  });
});
