/**
 * The gateway through createApp() on a real port and real Redis, with no workers: validation,
 * sessions, limits, problem details, docs and metrics.
 */
import { checkAnswer } from '../../../test/support/contract.ts';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadGatewayConfig } from '@pulsecam/config';
import { dueEstimatesKey, sessionKeys } from '@pulsecam/contracts';
import { beat, connectRedis, DueEstimates, SessionStore } from '@pulsecam/store';
import type { Redis } from 'ioredis';
import { createApp } from '../src/app.ts';
import { EstimateWaiter } from '../src/estimate-waiter.ts';
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
  let estimates: EstimateWaiter;
  let store: SessionStore;
  const prefix = testPrefix();
  const lifecycle = { shuttingDown: false };

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
      MAX_QUEUED_JOBS: '1',
      MAX_REQUEST_BYTES: '100000',
      SAMPLES_MAX_ESTIMATE_AGE_MS: '1500',
    });
    store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: 3, bufferSeconds: 30, bufferMaxSamples: 100 });
    jobs = new JobQueue({ connection: redis, eventsConnection: connectRedis(url), prefix, asyncResultTtlSeconds: 60 });
    await jobs.ready();
    estimates = new EstimateWaiter(connectRedis(url), prefix);
    await estimates.ready();
    const metrics = new GatewayMetrics({ queueCounts: () => jobs.queue.getJobCounts('waiting', 'active'), activeSessions: () => store.count(), dueEstimates: () => new DueEstimates(redis, prefix).count() });
    const app = createApp({ config, redis, jobs, estimates, store, metrics, log: pino({ level: 'silent' }), version: '9.9.9', startedAt: Date.now(), lifecycle });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    await jobs.close();
    await estimates.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  /** The session token of each session these tests created, by id. */
  const tokens = new Map<string, string>();
  const req = async (method: string, path: string, body?: unknown, raw?: string) => {
    // Calls on a session carry its token, as every client must.
    const sessionId = /\/session\/([0-9a-f-]{36})/.exec(path)?.[1] ?? (body as { session_id?: string } | undefined)?.session_id;
    const token = sessionId ? tokens.get(sessionId) : undefined;
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
    });
    const text = await res.text();
    checkAnswer(method, base + path, res.status, res.headers.get('content-type') ?? '', text);
    const json = (text ? JSON.parse(text) : {}) as Json;
    if (path === '/create-session' && res.status === 201) tokens.set(json.session_id, json.session_token);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: json, headers: res.headers };
  };

  test('health, ready and status', async () => {
    const h = await req('GET', '/health');
    assert.equal(h.status, 200);
    assert.equal(h.body.status, 'healthy');
    assert.equal(h.body.version, '9.9.9');
    // Redis answers but no worker has said it is alive: not ready.
    const r = await req('GET', '/ready');
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { status: 'not_ready', redis: 'ok', workers: 0, reason: 'no_workers' });
    await beat(redis, prefix, { id: 'w1', pid: 1, host: 'test', startedAt: Date.now(), jobs: 0 });
    const ready = await req('GET', '/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', redis: 'ok', workers: 1 });
    // A heartbeat older than the horizon no longer counts.
    await beat(redis, prefix, { id: 'w1', pid: 1, host: 'test', startedAt: Date.now(), jobs: 0 }, Date.now() - 60_000);
    assert.equal((await req('GET', '/ready')).status, 503);
    // Shutting down: not ready, and analysis is refused with Retry-After; liveness still answers.
    lifecycle.shuttingDown = true;
    const closing = await req('GET', '/ready');
    assert.equal(closing.body.reason, 'shutting_down');
    const refused = await req('POST', '/create-session', {});
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, 'shutting_down');
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal((await req('GET', '/health')).status, 200);
    lifecycle.shuttingDown = false;
    const s = await req('GET', '/status');
    assert.equal(s.body.workers, 0);
    assert.deepEqual(s.body.worker_heartbeats, []);
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

  test('without workers a synchronous request times out with 504, not a hang, and leaves no job behind', async () => {
    const id = (await req('POST', '/create-session')).body.session_id;
    const r = await req('POST', '/analyze-image', { session_id: id, image_data: PNG_1x1, timestamp: 1000 });
    assert.equal(r.status, 504);
    assert.equal(r.body.code, 'timeout');
    // The job nobody waits for any more was withdrawn: no worker will analyse it for nobody later.
    assert.equal(await jobs.queue.getWaitingCount(), 0);
    await req('DELETE', `/session/${id}`);
  });

  test('malformed multipart is a 400, another content type a 415', async () => {
    const id = (await req('POST', '/create-session')).body.session_id;
    const truncated = await fetch(`${base}/analyze-batch`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ', authorization: `Bearer ${tokens.get(id)}` },
      body: '--XyZ\r\nContent-Disposition: form-data; name="session_id"\r\n\r\n' + id + '\r\n--XyZ\r\nContent-Disposition: form-data; name="images"; filename="a.png"\r\n',
    });
    assert.equal(truncated.status, 400);
    const body = (await truncated.json()) as Json;
    assert.equal(body.code, 'validation_failed');
    assert.match(body.detail, /malformed multipart/);
    const noBoundary = await fetch(`${base}/analyze-image`, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'hello' });
    assert.equal(noBoundary.status, 400);
    for (const path of ['/analyze-image', '/analyze-batch', `/session/${id}/samples`]) {
      const wrong = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'session_id=1' });
      assert.equal(wrong.status, 415, path);
      assert.equal(((await wrong.json()) as Json).code, 'unsupported_media_type');
    }
    await req('DELETE', `/session/${id}`);
  });

  test('admission checks arriving together share one reading of the queue depth; a later check reads afresh', async () => {
    await jobs.queue.obliterate({ force: true });
    const together = [jobs.waiting(), jobs.waiting(), jobs.waiting()];
    assert.ok(together.every((reading) => reading === together[0]), 'one reading for the three');
    assert.deepEqual(await Promise.all(together), [0, 0, 0]);
    await jobs.queue.add('probe', {});
    const later = jobs.waiting();
    assert.notEqual(later, together[0]);
    assert.equal(await later, 1);
    await jobs.queue.obliterate({ force: true });
  });

  test('when the workers fall behind, new requests get a fast 503 with Retry-After, not a 504 later', async () => {
    const id = (await req('POST', '/create-session')).body.session_id;
    // No workers here: async jobs pile up. Async requests may queue 10x deeper than synchronous ones.
    const limit = 1;
    for (let i = 0; i <= 10 * limit; i++) {
      const queued = await req('POST', '/analyze-image?async=true', { session_id: id, image_data: PNG_1x1, timestamp: 1000 + i });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
    }
    const started = Date.now();
    const refusedSync = await req('POST', '/analyze-image', { session_id: id, image_data: PNG_1x1, timestamp: 2000 });
    assert.equal(refusedSync.status, 503);
    assert.equal(refusedSync.body.code, 'overloaded');
    assert.equal(refusedSync.headers.get('retry-after'), '1');
    assert.ok(Date.now() - started < 1000);
    const refusedAsync = await req('POST', '/analyze-image?async=true', { session_id: id, image_data: PNG_1x1, timestamp: 2001 });
    assert.equal(refusedAsync.status, 503);
    await jobs.queue.obliterate({ force: true });
    await req('DELETE', `/session/${id}`);
  });

  test('while the workers are behind, a samples post with a young estimate is stored and answered with it at once (and the session marked due for a background estimate, once); with an old one, or none, a fast 503', async () => {
    await jobs.queue.obliterate({ force: true });
    const due = new DueEstimates(redis, prefix);
    const dueKey = dueEstimatesKey(prefix);
    const sessionWith = async () => (await req('POST', '/create-session')).body.session_id as string;
    const [young, none] = [await sessionWith(), await sessionWith()];
    const estimate = {
      heart_rate: 71.5, confidence: 'high', pulse_detected: true, signal_quality: 0.8, buffer_seconds: 30, samples: 300, method: 'pulsecam',
      guidance: [], message: 'Analysis completed successfully', waveform: null, hrv: null, respiration: null,
    };
    // What a worker keeps after estimating the session through capture time 10 s.
    await store.saveEstimate(young, estimate, 10_000);
    const estimatedAt = (await store.meta(young))!.estimatedAt!;
    const post = (id: string, from: number) =>
      req('POST', `/session/${id}/samples`, { samples: Array.from({ length: 10 }, (_, i) => ({ timestamp: from + 100 * i, r: 150, g: 110, b: 90 })) });
    // No workers: one job waits, more than half of MAX_QUEUED_JOBS (1) but not past it.
    const probe = await jobs.queue.add('probe', {});
    const deferred = await post(young, 12_000);
    assert.equal(deferred.status, 200, JSON.stringify(deferred.body));
    assert.equal(deferred.body.heart_rate, 71.5);
    assert.ok(deferred.body.estimate_age_ms >= 1);
    assert.equal(deferred.body.stored, 10);
    assert.equal((await store.trace(young)).length, 10, 'the samples are kept for the next estimate');
    assert.equal(await due.count(), 0, 'younger than half SAMPLES_MAX_ESTIMATE_AGE_MS: not due yet');
    // Half the age limit on: the session is marked due (scored by its estimate's time), once however often it posts.
    await redis.hincrby(sessionKeys(prefix, young).meta, 'estimate_at', -800);
    const marked = await post(young, 12_500);
    assert.equal(marked.status, 200, JSON.stringify(marked.body));
    assert.ok(marked.body.estimate_age_ms >= 800);
    assert.deepEqual(await redis.zrange(dueKey, '0', '-1', 'WITHSCORES'), [young, String(estimatedAt - 800)]);
    await probe.remove();
    // The session due counts as work waiting: still behind, still answered at once.
    const again = await post(young, 13_000);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.heart_rate, 71.5);
    assert.equal(await due.count(), 1, 'marked once');
    assert.equal(await jobs.queue.getWaitingCount(), 0, 'no job queued for it');
    // Past the queue limit too: answered with the young estimate.
    await jobs.queue.add('probe', {});
    await jobs.queue.add('probe', {});
    const full = await post(young, 14_000);
    assert.equal(full.status, 200, JSON.stringify(full.body));
    assert.equal(await due.count(), 1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^pulsecam_estimates_deferred_total\{refresh="queued"\} 1$/m);
    assert.match(metrics, /^pulsecam_estimates_deferred_total\{refresh="not_queued"\} 3$/m);
    // No estimate to answer with: refused, and nothing stored (the client sends the samples again).
    const refusedNone = await post(none, 12_000);
    assert.equal(refusedNone.status, 503);
    assert.equal(refusedNone.body.code, 'overloaded');
    assert.equal((await store.trace(none)).length, 0);
    // An estimate older than SAMPLES_MAX_ESTIMATE_AGE_MS is not given again: refused as well.
    await new Promise((r) => setTimeout(r, 1600));
    const refusedOld = await post(young, 15_000);
    assert.equal(refusedOld.status, 503);
    assert.equal(refusedOld.body.code, 'overloaded');
    assert.equal((await store.trace(young)).length, 30);
    await jobs.queue.obliterate({ force: true });
    await req('DELETE', `/session/${young}`);
    await req('DELETE', `/session/${none}`);
  });

  test('without workers a samples post waiting for a fresh estimate times out with 504, its samples stored and its session left marked for the next', async () => {
    await jobs.queue.obliterate({ force: true });
    const id = (await req('POST', '/create-session')).body.session_id as string;
    const started = Date.now();
    const r = await req('POST', `/session/${id}/samples`, { samples: Array.from({ length: 10 }, (_, i) => ({ timestamp: 50_000 + 100 * i, r: 150, g: 110, b: 90 })) });
    assert.equal(r.status, 504, JSON.stringify(r.body));
    assert.equal(r.body.code, 'timeout');
    assert.equal(r.headers.get('retry-after'), '1');
    assert.ok(Date.now() - started < 5000);
    assert.equal((await store.trace(id)).length, 10, 'stored: a retry is refused as already stored, the next post carries on');
    assert.deepEqual(await new DueEstimates(redis, prefix).counts(), { marked: 1, waited: 1 });
    await req('DELETE', `/session/${id}`);
    assert.deepEqual(await new DueEstimates(redis, prefix).counts(), { marked: 0, waited: 0 }, 'deleting the session unmarks it');
  });

  test('a samples request that waited in the service does not make the session refuse the client\'s next samples', async () => {
    const id = (await req('POST', '/create-session')).body.session_id as string;
    const post = (from: number, count: number) =>
      req('POST', `/session/${id}/samples`, { samples: Array.from({ length: count }, (_, i) => ({ timestamp: from + 100 * i, r: 150, g: 110, b: 90 })) });
    await store.saveEstimate(id, { heart_rate: null, confidence: 'none', pulse_detected: null, signal_quality: 0, buffer_seconds: 0, samples: 0, method: 'pulsecam', guidance: [], message: 'x', waveform: null, hrv: null, respiration: null }, 1e9);
    assert.equal((await post(1_000_000, 10)).status, 200);
    // As a stalled service would leave it: the samples stored 15 s after their request arrived
    // (the arrival moved 15 s back; the storing, last_seen, stays now).
    await redis.hincrby(sessionKeys(prefix, id).meta, 'last_frame_arrived', -15_000);
    // The client kept capturing meanwhile (CLOCK_TOLERANCE_MS is 10 s): its next samples fit.
    const next = await post(1_015_000, 10);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(next.body.stored, 10);
    // Held up longer than that (or a clock that moved on): refused once, and the next request, which carries on from it, accepted.
    const jumped = await post(1_060_000, 10);
    assert.equal(jumped.status, 422);
    assert.equal(jumped.body.code, 'timestamp_out_of_range');
    const after = await post(1_061_000, 10);
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.equal(after.body.stored, 10);
    // A far-future stamp is still refused, also when it comes again.
    assert.equal((await post(9_000_000, 1)).status, 422);
    assert.equal((await post(9_000_000, 1)).status, 422);
    await req('DELETE', `/session/${id}`);
  });

  test('every documented request example, JSON and multipart, passes validation (the example session is unknown: 404, never 400)', async (t) => {
    const spec = (await req('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; parameters?: { name: string; in: string; schema: { enum?: string[] } }[] }>>;
      components: { schemas: Record<string, { example?: Record<string, unknown>; properties?: Record<string, unknown> }> };
    };
    const schemaOf = (ref: string | undefined) => (ref ? spec.components.schemas[ref.split('/').pop()!] : undefined);
    let sent = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const json = schemaOf(op.requestBody?.content['application/json']?.schema.$ref);
        if (json?.example) {
          const example = json.example as { session_id?: string };
          const url = path.replace('{id}', example.session_id ?? '3f0c3a0e-7a55-4c1b-9d38-1f2b1f0c9a11');
          const r = await req(method.toUpperCase(), url, example);
          assert.equal(r.status, 404, `${method} ${path} example: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.code, 'session_not_found');
          sent++;
        }
        const form = schemaOf(op.requestBody?.content['multipart/form-data']?.schema.$ref);
        if (form?.properties && 'session_id' in form.properties) {
          // The form as documented: its fields, the example image in each file field.
          const jpeg = Buffer.from((schemaOf('AnalyzeImageRequest')!.example as { image_data: string }).image_data, 'base64');
          const body = new FormData();
          body.set('session_id', '3f0c3a0e-7a55-4c1b-9d38-1f2b1f0c9a11');
          if ('image' in form.properties) body.set('image', new Blob([jpeg], { type: 'image/jpeg' }), 'frame.jpg');
          if ('images' in form.properties) for (let i = 0; i < 2; i++) body.append('images', new Blob([jpeg], { type: 'image/jpeg' }), `frame-${i}.jpg`);
          if ('timestamp' in form.properties) body.set('timestamp', '1717000000000');
          if ('timestamps' in form.properties) body.set('timestamps', '1717000000000,1717000000100');
          const res = await fetch(base + path, { method: method.toUpperCase(), body });
          const text = await res.text();
          checkAnswer(method.toUpperCase(), base + path, res.status, res.headers.get('content-type') ?? '', text);
          assert.equal(res.status, 404, `${method} ${path} multipart form: ${text}`);
          sent++;
        }
      }
    }
    t.diagnostic(`${sent} documented examples sent`);
    assert.ok(sent >= 5, `${sent} examples`);
    // The async flag is documented as accepted: true/false and 1/0.
    const asyncParam = spec.paths['/analyze-image'].post.parameters?.find((p) => p.name === 'async');
    assert.deepEqual([...(asyncParam?.schema.enum ?? [])].sort(), ['0', '1', 'false', 'true']);
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
