/**
 * The gateway through createApp() on a real port and real Redis, with no workers: validation,
 * sessions, limits, problem details, docs and metrics.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadGatewayConfig } from '@pulsecam/config';
import { SessionStore } from '@pulsecam/store';
import type { Redis } from 'ioredis';
import { createApp } from '../src/app.ts';
import { JobQueue } from '../src/job-queue.ts';
import { GatewayMetrics } from '../src/metrics.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

interface Json {
  [k: string]: any;
}

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('gateway HTTP API (no workers)', () => {
  let redis: Redis;
  let server: Server;
  let base: string;
  let jobs: JobQueue;
  const prefix = testPrefix();

  before(async () => {
    let url: string;
    ({ redis, url } = await connectTestRedis());
    const config = loadGatewayConfig({
      REDIS_URL: url,
      KEY_PREFIX: prefix,
      MAX_SESSIONS: '3',
      MAX_IMAGE_BYTES: '2048',
      MAX_BATCH_IMAGES: '2',
      JOB_TIMEOUT_MS: '300',
      MAX_REQUEST_BYTES: '100000',
    });
    const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 3, bufferSeconds: 30, bufferMaxSamples: 100 });
    jobs = new JobQueue({ connection: redis, prefix, asyncResultTtlSeconds: 60 });
    await jobs.ready();
    const metrics = new GatewayMetrics({ queueCounts: () => jobs.queue.getJobCounts('waiting', 'active'), activeSessions: () => store.count() });
    const app = createApp({ config, redis, jobs, store, metrics, log: pino({ level: 'silent' }), version: '9.9.9', startedAt: Date.now() });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    await jobs.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  const req = async (method: string, path: string, body?: unknown, raw?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
  };

  test('health, ready and status', async () => {
    const h = await req('GET', '/health');
    assert.equal(h.status, 200);
    assert.equal(h.body.status, 'healthy');
    assert.equal(h.body.version, '9.9.9');
    const r = await req('GET', '/ready');
    assert.deepEqual(r.body, { status: 'ready', redis: 'ok', workers: 0 });
    const s = await req('GET', '/status');
    assert.equal(s.body.workers, 0);
    assert.equal(s.body.sessions.max, 3);
    assert.equal(s.body.limits.max_batch_images, 2);
  });

  test('session lifecycle, and 429 with problem details past MAX_SESSIONS', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await req('POST', '/create-session')).body.session_id);
    const refused = await req('POST', '/create-session');
    assert.equal(refused.status, 429);
    assert.match(refused.type, /application\/problem\+json/);
    assert.equal(refused.body.code, 'too_many_sessions');
    assert.ok(refused.headers.get('retry-after'));
    const list = await req('GET', '/sessions');
    assert.equal(list.body.count, 3);
    const status = await req('GET', `/session/${ids[0]}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.estimate.heart_rate, null);
    assert.deepEqual(status.body.estimate.guidance, ['warming_up']);
    for (const id of ids) assert.equal((await req('DELETE', `/session/${id}`)).status, 200);
    assert.equal((await req('DELETE', `/session/${ids[0]}`)).status, 404);
    assert.equal((await req('GET', `/session/${ids[0]}/status`)).status, 404);
    assert.equal((await req('GET', '/session/not-a-uuid/status')).status, 400);
  });

  test('validation errors name the field', async () => {
    const id = (await req('POST', '/create-session')).body.session_id;
    const cases: [unknown, string, string][] = [
      [{ session_id: id }, 'image_data', 'validation_failed'],
      [{ session_id: id, image_data: '!!!not base64!!!' }, 'image_data', 'validation_failed'],
      [{ session_id: id, image_data: Buffer.from('hello world').toString('base64') }, 'image_data', 'invalid_image'],
      [{ session_id: id, image_data: PNG_1x1, timestamp: 'soon' }, 'timestamp', 'validation_failed'],
      [{ session_id: 'abc', image_data: PNG_1x1 }, 'session_id', 'validation_failed'],
    ];
    for (const [body, field, code] of cases) {
      const r = await req('POST', '/analyze-image', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.type, /application\/problem\+json/);
      assert.equal(r.body.code, code);
      assert.equal(r.body.errors[0].field, field);
      assert.equal(r.body.status, 400);
      assert.ok(r.body.title && r.body.detail && r.body.type);
    }
    await req('DELETE', `/session/${id}`);
  });

  test('unknown session is 404; oversize image 413; bad JSON 400; too many images 400; unknown route 404', async () => {
    const missing = await req('POST', '/analyze-image', { session_id: '6f1c1f3e-0000-4000-8000-000000000000', image_data: PNG_1x1 });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'session_not_found');
    const id = (await req('POST', '/create-session')).body.session_id;
    const big = Buffer.concat([Buffer.from(PNG_1x1, 'base64'), Buffer.alloc(4096)]).toString('base64');
    const tooBig = await req('POST', '/analyze-image', { session_id: id, image_data: big });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.code, 'image_too_large');
    const badJson = await req('POST', '/analyze-image', undefined, '{"session_id": ');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.code, 'invalid_json');
    const many = await req('POST', '/analyze-batch', { session_id: id, images: [{ image_data: PNG_1x1 }, { image_data: PNG_1x1 }, { image_data: PNG_1x1 }] });
    assert.equal(many.status, 400);
    assert.equal(many.body.errors[0].field, 'images');
    const bodyTooLarge = await req('POST', '/analyze-image', { session_id: id, image_data: 'A'.repeat(200_000) });
    assert.equal(bodyTooLarge.status, 413);
    assert.equal(bodyTooLarge.body.code, 'payload_too_large');
    const nowhere = await req('GET', '/nowhere');
    assert.equal(nowhere.status, 404);
    assert.match(nowhere.type, /problem\+json/);
    await req('DELETE', `/session/${id}`);
  });

  test('without workers a synchronous request times out with 504, not a hang', async () => {
    const id = (await req('POST', '/create-session')).body.session_id;
    const r = await req('POST', '/analyze-image', { session_id: id, image_data: PNG_1x1 });
    assert.equal(r.status, 504);
    assert.equal(r.body.code, 'timeout');
    await jobs.queue.obliterate({ force: true });
    await req('DELETE', `/session/${id}`);
  });

  test('OpenAPI spec lists every endpoint; /docs is served locally', async () => {
    const spec = await req('GET', '/openapi.json');
    assert.equal(spec.body.openapi, '3.1.0');
    for (const p of ['/create-session', '/session/{id}/status', '/session/{id}', '/sessions', '/analyze-image', '/analyze-batch', '/jobs/{id}', '/health', '/ready', '/status', '/metrics']) {
      assert.ok(spec.body.paths[p], `missing ${p}`);
    }
    assert.equal(spec.body.components.schemas.AnalyzeBatchRequest.properties.images.maxItems, 2);
    const page = await fetch(`${base}/docs`).then((r) => r.text());
    assert.match(page, /swagger-ui-bundle\.js/);
    assert.doesNotMatch(page, /https?:\/\/(?!pulsecam)/);
    const js = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
    assert.equal(js.status, 200);
  });

  test('metrics in Prometheus format with request latency, queue depth and sessions', async () => {
    const text = await fetch(`${base}/metrics`).then((r) => r.text());
    assert.match(text, /pulsecam_http_request_duration_seconds_bucket\{.*route="\/health".*\}/);
    assert.match(text, /pulsecam_queue_jobs\{state="waiting"\}/);
    assert.match(text, /pulsecam_active_sessions \d+/);
  });
});
