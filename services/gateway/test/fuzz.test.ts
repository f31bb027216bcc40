/**
 * Property-based fuzzing of the gateway (fast-check) on a real port and real Redis: arbitrary JSON
 * bodies, raw bodies under any content type, multipart forms, query strings, path parameters and
 * headers, on every endpoint. Never a 500, every error is problem+json with a stable code, a 503 or
 * 504 only with its documented code, and the service is healthy afterwards.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { loadGatewayConfig } from '@pulsecam/config';
import { beat, connectRedis, DueEstimates, SessionStore } from '@pulsecam/store';
import type { Redis } from 'ioredis';
import { createApp } from '../src/app.ts';
import { EstimateWaiter } from '../src/estimate-waiter.ts';
import { JobQueue } from '../src/job-queue.ts';
import { GatewayMetrics } from '../src/metrics.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const ALLOWED_5XX = new Set(['unavailable', 'overloaded', 'shutting_down', 'timeout']);

describe('fuzzing every endpoint: never a 500, always problem+json', { timeout: 600_000 }, () => {
  let redis: Redis;
  let server: Server;
  let base: string;
  let jobs: JobQueue;
  let estimates: EstimateWaiter;
  let sessionId: string;
  let sessionToken: string;
  const prefix = testPrefix();

  before(async () => {
    let url: string;
    ({ redis, url } = await connectTestRedis());
    const config = loadGatewayConfig({ REDIS_URL: url, KEY_PREFIX: prefix, MAX_SESSIONS: '50', JOB_TIMEOUT_MS: '200', MAX_BATCH_IMAGES: '4', MAX_QUEUED_JOBS: '5', CLIENT_MAX_SESSIONS: '50', CLIENT_REQUESTS_PER_MINUTE: '1000000', CLIENT_FRAMES_PER_SECOND: '100000' });
    const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 50, bufferSeconds: 30, bufferMaxSamples: 100 });
    jobs = new JobQueue({ connection: redis, eventsConnection: connectRedis(url), prefix, asyncResultTtlSeconds: 60 });
    await jobs.ready();
    estimates = new EstimateWaiter(connectRedis(url), prefix);
    await estimates.ready();
    const metrics = new GatewayMetrics({ queueCounts: () => jobs.queue.getJobCounts('waiting'), activeSessions: () => store.count(), dueEstimates: () => new DueEstimates(redis, prefix).count() });
    const app = createApp({ config, redis, jobs, estimates, store, metrics, log: pino({ level: 'silent' }), version: '0.0.0', startedAt: Date.now(), lifecycle: { shuttingDown: false } });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await beat(redis, prefix, { id: 'fuzz', pid: 1, host: 'fuzz', startedAt: Date.now(), jobs: 0 });
    ({ session_id: sessionId, session_token: sessionToken } = (await (await fetch(`${base}/create-session`, { method: 'POST' })).json()) as { session_id: string; session_token: string });
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    await jobs.queue.obliterate({ force: true });
    await jobs.close();
    await estimates.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  async function check(res: Response): Promise<void> {
    const text = await res.text();
    assert.notEqual(res.status, 500, `500: ${text}`);
    if (res.status >= 400) {
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, `${res.status} without problem+json: ${text}`);
      const body = JSON.parse(text) as { code: string; status: number };
      assert.equal(body.status, res.status);
      assert.ok(body.code, 'a stable code');
      if (res.status >= 500) assert.ok(ALLOWED_5XX.has(body.code), `unexpected ${res.status} ${body.code}`);
      if (res.status === 503) assert.ok(res.headers.get('retry-after'), '503 without Retry-After');
    }
  }

  const paths = () =>
    fc.oneof(
      fc.constantFrom('/analyze-image', '/analyze-batch', `/session/{id}/samples`, '/create-session'),
      fc.string({ maxLength: 40 }).map((s) => `/session/${encodeURIComponent(s)}/samples`),
    );
  const withId = (p: string) => p.replace('{id}', sessionId);
  const timestamp = () => fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 8 }), fc.constant(undefined), fc.constant(null));
  const image = () => fc.oneof(fc.constant(PNG_1x1), fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 50 }), fc.constant(`data:image/png;base64,${PNG_1x1}`));
  const session = () => fc.oneof(fc.constant('{id}'), fc.uuid(), fc.string({ maxLength: 40 }));
  /** The session's token most of the time (to reach past the access check), else none or a wrong one. */
  const auth = () =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant('{token}') },
      fc.constantFrom('', 'Bearer ', 'Bearer pst_wrong', 'Basic dXNlcjpwYXNz'),
      fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    );
  const authHeader = (a: string): Record<string, string> => (a === '{token}' ? { authorization: `Bearer ${sessionToken}` } : a ? { authorization: a } : {});

  test('JSON bodies of any shape, and of nearly the right shape', async () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ session_id: session(), image_data: image(), timestamp: timestamp() }, { requiredKeys: [] }),
      fc.record({ session_id: session(), images: fc.array(fc.record({ image_data: image(), timestamp: timestamp() }, { requiredKeys: [] }), { maxLength: 6 }) }, { requiredKeys: [] }),
      fc.record({ samples: fc.array(fc.record({ timestamp: timestamp(), r: fc.double(), g: fc.double(), b: fc.double() }, { requiredKeys: [] }), { maxLength: 5 }) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(paths(), fc.constantFrom('', '?async=true', '?async=1', '?async=yes', '?async[]=x'), body, auth(), async (p, query, b, a) => {
        const json = JSON.stringify(b).replaceAll('{id}', sessionId);
        await check(await fetch(base + withId(p) + query, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeader(a) }, body: json }));
      }),
      { numRuns: RUNS },
    );
  });

  test('raw bodies under any content type, and broken JSON', async () => {
    const contentType = fc.constantFrom('application/json', 'text/plain', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', '');
    await fc.assert(
      fc.asyncProperty(paths(), contentType, fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 })), auth(), async (p, type, raw, a) => {
        const headers: Record<string, string> = { ...(type ? { 'content-type': type } : {}), ...authHeader(a) };
        await check(await fetch(base + withId(p), { method: 'POST', headers, body: typeof raw === 'string' ? raw : new Uint8Array(raw) }));
      }),
      { numRuns: RUNS },
    );
  });

  test('multipart forms with odd fields and files', async () => {
    const field = fc.tuple(fc.constantFrom('session_id', 'timestamp', 'timestamps', 'image', 'images', 'image_data', 'x'), fc.string({ maxLength: 30 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/analyze-image', '/analyze-batch'),
        fc.array(field, { maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom('image', 'images', 'other'), fc.uint8Array({ maxLength: 200 })), { maxLength: 5 }),
        auth(),
        async (p, fields, files, a) => {
          const form = new FormData();
          for (const [k, v] of fields) form.append(k, k === 'session_id' && v.length % 2 === 0 ? sessionId : v);
          for (const [k, bytes] of files) form.append(k, new Blob([bytes.length % 3 === 0 ? Buffer.from(PNG_1x1, 'base64') : bytes]), 'f.png');
          await check(await fetch(base + p, { method: 'POST', body: form, headers: authHeader(a) }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('path parameters, query strings and headers on the read endpoints', async () => {
    const header = fc.record({ 'x-request-id': fc.string({ maxLength: 200 }), accept: fc.constantFrom('*/*', 'text/html', 'application/xml') }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET /session/{p}/status', 'DELETE /session/{p}', 'GET /jobs/{p}', 'GET /sessions', 'GET /status', 'GET /ready', 'GET /{p}'),
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 40 }),
        header,
        auth(),
        async (route, param, query, headers, a) => {
          const [method, path] = route.split(' ');
          // Never the real session's id with DELETE and its token: the session must outlive the fuzzing.
          const clean = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')])), ...(method === 'GET' ? authHeader(a) : {}) };
          await check(await fetch(`${base}${path.replace('{p}', encodeURIComponent(param))}?${encodeURIComponent(query)}`, { method, headers: clean }));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('the service is healthy afterwards', async () => {
    await beat(redis, prefix, { id: 'fuzz', pid: 1, host: 'fuzz', startedAt: Date.now(), jobs: 0 });
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.equal((await fetch(`${base}/ready`)).status, 200);
    assert.equal((await fetch(`${base}/session/${sessionId}/status`, { headers: { authorization: `Bearer ${sessionToken}` } })).status, 200);
    // The fuzzing may have used every session slot (/create-session is one of its targets): then a clean 429.
    const created = await fetch(`${base}/create-session`, { method: 'POST' });
    assert.ok(created.status === 201 || (created.status === 429 && created.headers.get('retry-after')), `create-session: ${created.status}`);
  });
});
