/**
 * Private by default, through createApp() on a real port and real Redis (no workers): session
 * tokens, API keys, per-client quotas and rate limits, bounded waiting work (with Redis memory
 * measured under a flood), request size bounds, and HTTP hardening.
 */
import { redisPrefix } from '@pulsecam/contracts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { loadGatewayConfig, loadWorkerConfig } from '@pulsecam/config';
import { ApiKeyStore, beat, connectRedis, DueEstimates, SessionStore } from '@pulsecam/store';
import type { Redis } from 'ioredis';
import { createApp } from '../src/app.ts';
import { EstimateWaiter } from '../src/estimate-waiter.ts';
import { JobQueue } from '../src/job-queue.ts';
import { GatewayMetrics } from '../src/metrics.ts';
import { rememberSecret } from '../../../test/support/api.ts';
import { cleanPrefix, connectTestRedis, testPrefix } from '../../../test/support/redis.ts';

interface Json {
  [k: string]: any;
}

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts');
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const UNKNOWN_SESSION = '6f1c1f3e-0000-4000-8000-000000000000';

/** A JPEG-signed blob of `bytes` (the gateway sniffs the signature; no worker decodes it here). */
const fakeJpeg = (bytes: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(bytes - 4, 0x5a)]).toString('base64');

interface Gateway {
  base: string;
  prefix: string;
  redisUrl: string;
  redis: Redis;
  jobs: JobQueue;
  keys: ApiKeyStore;
  close: () => Promise<void>;
}

const running: Gateway[] = [];

/** One gateway with its own key prefix, logging everything (trace) to test-artifacts/ for the secrets check. */
async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const prefix = testPrefix();
  const { redis, url } = await connectTestRedis();
  const config = loadGatewayConfig({ REDIS_URL: url, KEY_PREFIX: prefix, JOB_TIMEOUT_MS: '300', ...env });
  const store = new SessionStore(redis, prefix, { ttlSeconds: 60, maxSessions: config.MAX_SESSIONS, bufferSeconds: 30, bufferMaxSamples: 100 });
  const jobs = new JobQueue({ connection: redis, eventsConnection: connectRedis(url), prefix, asyncResultTtlSeconds: 60 });
  await jobs.ready();
  const estimates = new EstimateWaiter(connectRedis(url), prefix);
  await estimates.ready();
  const metrics = new GatewayMetrics({ queueCounts: () => jobs.queue.getJobCounts('waiting'), activeSessions: () => store.count(), dueEstimates: () => new DueEstimates(redis, prefix).count() });
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = pino({ level: 'trace' }, createWriteStream(path.join(ARTIFACTS, `gateway-${prefix}.log`)));
  const app = createApp({ config, redis, jobs, estimates, store, metrics, log, version: '1.0.0', startedAt: Date.now(), lifecycle: { shuttingDown: false } });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  await beat(redis, prefix, { id: 'w', pid: 1, host: 'test', startedAt: Date.now(), jobs: 0 });
  const gateway: Gateway = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    prefix,
    redisUrl: url,
    redis,
    jobs,
    keys: new ApiKeyStore(redis, prefix),
    close: async () => {
      await new Promise((r) => server.close(r));
      await jobs.queue.obliterate({ force: true }).catch(() => undefined);
      await jobs.close();
      await estimates.close();
      await cleanPrefix(redis, prefix);
      await redis.quit();
    },
  };
  running.push(gateway);
  return gateway;
}

async function call(g: Gateway, method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(g.base + url, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
}

async function newSession(g: Gateway, headers: Record<string, string> = {}): Promise<{ id: string; token: string; auth: Record<string, string> }> {
  const r = await call(g, 'POST', '/create-session', { headers });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  rememberSecret(r.body.session_token);
  return { id: r.body.session_id, token: r.body.session_token, auth: { ...headers, authorization: `Bearer ${r.body.session_token}` } };
}

async function newKey(g: Gateway, name: string, options: Parameters<ApiKeyStore['create']>[1] = {}): Promise<Record<string, string>> {
  const { key } = await g.keys.create(name, options);
  rememberSecret(key);
  return { 'x-api-key': key };
}

/** The problem a request for an unknown session gets, with the id made comparable. */
const comparable = (body: Json, id: string) => JSON.parse(JSON.stringify(body).replaceAll(id, '<id>')) as Json;

after(async () => {
  await Promise.all(running.map((g) => g.close()));
});

describe('session tokens (AUTH=open)', () => {
  test('create-session answers a 256-bit token; Redis keeps only its hash', async () => {
    const g = await startGateway();
    const s = await newSession(g);
    assert.match(s.token, /^pst_[A-Za-z0-9_-]{43}$/);
    const keys = await g.redis.keys(`${redisPrefix(g.prefix)}:*`);
    for (const key of keys) {
      const type = await g.redis.type(key);
      const dump = type === 'hash' ? JSON.stringify(await g.redis.hgetall(key)) : type === 'string' ? String(await g.redis.get(key)) : '';
      assert.ok(!dump.includes(s.token), `${key} holds the plain token`);
    }
    const status = await call(g, 'GET', `/session/${s.id}/status`, { headers: s.auth });
    assert.equal(status.status, 200);
  });

  test('a missing, wrong or other session\'s token answers exactly like an unknown session, on every session call', async () => {
    const g = await startGateway();
    const a = await newSession(g);
    const b = await newSession(g);
    const requests = (id: string) => [
      ['GET', `/session/${id}/status`, undefined],
      ['POST', `/session/${id}/samples`, { samples: [{ timestamp: 1000, r: 150, g: 110, b: 90 }] }],
      ['POST', '/analyze-image', { session_id: id, image_data: PNG_1x1, timestamp: 1000 }],
      ['POST', '/analyze-batch', { session_id: id, images: [{ image_data: PNG_1x1, timestamp: 1000 }] }],
      ['DELETE', `/session/${id}`, undefined],
    ] as const;
    const unknownAnswers = [];
    for (const [method, url, body] of requests(UNKNOWN_SESSION)) unknownAnswers.push(comparable((await call(g, method, url, { body, headers: a.auth })).body, UNKNOWN_SESSION));
    for (const headers of [{}, { authorization: 'Bearer pst_wrong' }, { authorization: a.token }, b.auth, { authorization: `Basic ${a.token}` }]) {
      for (const [k, [method, url, body]] of requests(a.id).entries()) {
        const r = await call(g, method, url, { body, headers });
        assert.equal(r.status, 404, `${method} ${url} with ${JSON.stringify(Object.keys(headers))}`);
        assert.deepEqual(comparable(r.body, a.id), unknownAnswers[k], `${method} ${url}: same answer as an unknown session`);
      }
    }
    // The session is untouched by all that, and its own token still opens it.
    const status = await call(g, 'GET', `/session/${a.id}/status`, { headers: a.auth });
    assert.equal(status.status, 200);
    assert.equal(status.body.frames_received, 0);
  });

  test('an async job is readable only with its session\'s token, and not after the session is deleted', async () => {
    const g = await startGateway();
    const a = await newSession(g);
    const b = await newSession(g);
    const queued = await call(g, 'POST', '/analyze-image?async=true', { body: { session_id: a.id, image_data: PNG_1x1, timestamp: 1000 }, headers: a.auth });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const url = queued.body.status_url as string;
    assert.equal((await call(g, 'GET', url, { headers: a.auth })).body.state, 'waiting');
    const unknown = comparable((await call(g, 'GET', '/jobs/6f1c1f3e-0000-4000-8000-00000000abcd')).body, '6f1c1f3e-0000-4000-8000-00000000abcd');
    for (const headers of [{}, b.auth, { authorization: 'Bearer nope' }]) {
      const r = await call(g, 'GET', url, { headers });
      assert.equal(r.status, 404);
      assert.deepEqual(comparable(r.body, queued.body.job_id), unknown);
    }
    assert.equal((await call(g, 'DELETE', `/session/${a.id}`, { headers: a.auth })).status, 200);
    assert.equal((await call(g, 'GET', url, { headers: a.auth })).status, 404);
  });

  test('GET /sessions lists ids and times only', async () => {
    const g = await startGateway();
    const a = await newSession(g);
    const list = await call(g, 'GET', '/sessions');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.body.sessions[0]).sort(), ['created_at', 'expires_in_seconds', 'last_activity', 'session_id']);
    assert.equal(list.body.sessions[0].session_id, a.id);
    assert.ok(!JSON.stringify(list.body).includes(a.token));
  });
});

describe('API keys (AUTH=keys)', () => {
  test('no key or a bad key is 401; two keys cannot list, read, write or delete each other\'s sessions; an admin key lists all', async () => {
    const g = await startGateway({ AUTH: 'keys' });
    const alice = await newKey(g, 'alice');
    const bob = await newKey(g, 'bob');
    const admin = await newKey(g, 'ops', { admin: true });
    for (const headers of [{}, { 'x-api-key': 'pk_not-a-key' }] as Record<string, string>[]) {
      const r = await call(g, 'POST', '/create-session', { headers });
      assert.equal(r.status, 401);
      assert.equal(r.body.code, 'unauthorized');
      assert.ok(r.headers.get('www-authenticate'));
    }
    // Health, readiness, docs stay open (probes and people need them).
    assert.equal((await call(g, 'GET', '/health')).status, 200);
    assert.equal((await call(g, 'GET', '/openapi.json')).body.components.securitySchemes.apiKey.name, 'X-API-Key');

    const a = await newSession(g, alice);
    const b = await newSession(g, bob);
    // Bob holding Alice's session token still cannot use it: the session is Alice's key's.
    const asBob = { ...bob, authorization: `Bearer ${a.token}` };
    assert.equal((await call(g, 'GET', `/session/${a.id}/status`, { headers: asBob })).status, 404);
    assert.equal((await call(g, 'POST', `/session/${a.id}/samples`, { headers: asBob, body: { samples: [{ timestamp: 1, r: 1, g: 1, b: 1 }] } })).status, 404);
    assert.equal((await call(g, 'POST', '/analyze-image?async=true', { headers: asBob, body: { session_id: a.id, image_data: PNG_1x1 } })).status, 404);
    assert.equal((await call(g, 'DELETE', `/session/${a.id}`, { headers: asBob })).status, 404);
    assert.equal((await call(g, 'GET', `/session/${a.id}/status`, { headers: a.auth })).status, 200);

    const mine = await call(g, 'GET', '/sessions', { headers: bob });
    assert.deepEqual(mine.body.sessions.map((s: Json) => s.session_id), [b.id]);
    const all = await call(g, 'GET', '/sessions', { headers: admin });
    assert.deepEqual(all.body.sessions.map((s: Json) => s.session_id).sort(), [a.id, b.id].sort());

    await g.keys.revoke('bob');
    assert.equal((await call(g, 'GET', '/sessions', { headers: bob })).status, 401);
  });
});

describe('the keys CLI', () => {
  test('npm run keys: create prints the key once, list shows names and limits, revoke stops it at once', async () => {
    const g = await startGateway({ AUTH: 'keys' });
    const root = path.resolve(import.meta.dirname, '../../..');
    const keysCli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, REDIS_URL: g.redisUrl, KEY_PREFIX: g.prefix },
      });
    const created = keysCli('create', 'cli-lab', '--max-sessions', '1', '--rpm', '50', '--fps', '5');
    assert.equal(created.status, 0, created.stderr);
    const key = created.stdout.trim();
    rememberSecret(key);
    assert.match(key, /^pk_[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /shown only now/);
    const list = keysCli('list');
    assert.match(list.stdout, /^cli-lab\tclient\tmax-sessions=1\trpm=50\tfps=5\t/m);
    assert.ok(!list.stdout.includes(key), 'list never shows a key');
    const again = keysCli('create', 'cli-lab');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists/);
    assert.equal(keysCli('create', 'bad name!').status, 1);
    assert.equal(keysCli('create', 'x', '--rpm', '0').status, 1);

    // The key works with its own limits: one live session.
    const s = await newSession(g, { 'x-api-key': key });
    assert.ok(s.id);
    assert.equal((await call(g, 'POST', '/create-session', { headers: { 'x-api-key': key } })).status, 429);
    assert.equal(keysCli('revoke', 'cli-lab').status, 0);
    assert.equal((await call(g, 'GET', `/session/${s.id}/status`, { headers: s.auth })).status, 401);
    assert.equal(keysCli('revoke', 'cli-lab').status, 1);
  });
});

describe('quotas and rate limits', () => {
  test('per-client session quota leaves room for other clients (open mode, addresses via TRUST_PROXY)', async () => {
    const g = await startGateway({ MAX_SESSIONS: '10', CLIENT_MAX_SESSIONS: '2', TRUST_PROXY: 'loopback' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    await newSession(g, from('203.0.113.7'));
    const second = await newSession(g, from('203.0.113.7'));
    const refused = await call(g, 'POST', '/create-session', { headers: from('203.0.113.7') });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'too_many_sessions');
    assert.match(refused.body.detail, /this client already holds its 2 live sessions/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // Another client is not affected; the first gets a place back by deleting a session.
    await newSession(g, from('198.51.100.20'));
    assert.equal((await call(g, 'DELETE', `/session/${second.id}`, { headers: second.auth })).status, 200);
    await newSession(g, from('203.0.113.7'));
  });

  test('requests per minute: RateLimit headers, then 429 with Retry-After; a key\'s own limit applies', async () => {
    const g = await startGateway({ AUTH: 'keys' });
    const slow = await newKey(g, 'slow', { rpm: 3 });
    const other = await newKey(g, 'other');
    for (let i = 0; i < 3; i++) {
      const r = await call(g, 'GET', '/sessions', { headers: slow });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('ratelimit-policy'), '3;w=60');
      assert.match(r.headers.get('ratelimit') ?? '', new RegExp(`^limit=3, remaining=${2 - i}, reset=\\d+$`));
    }
    const refused = await call(g, 'GET', '/sessions', { headers: slow });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((await call(g, 'GET', '/sessions', { headers: other })).status, 200, 'other keys are not limited');
  });

  test('frames per second: a burst past the limit is a 429 with Retry-After, and frames flow again after the window', async () => {
    const g = await startGateway({ CLIENT_FRAMES_PER_SECOND: '1', MAX_QUEUED_JOBS: '1000' });
    const s = await newSession(g);
    // 1 fps averaged over 10 s: ten frames fit, the eleventh does not.
    const batch = (from: number, n: number) => ({ session_id: s.id, images: Array.from({ length: n }, (_, i) => ({ image_data: PNG_1x1, timestamp: from + i * 100 })) });
    assert.equal((await call(g, 'POST', '/analyze-batch?async=true', { body: batch(1000, 10), headers: s.auth })).status, 202);
    const refused = await call(g, 'POST', '/analyze-batch?async=true', { body: batch(3000, 1), headers: s.auth });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 10, `Retry-After ${retry}`);
    await new Promise((r) => setTimeout(r, retry * 1000 + 200));
    assert.equal((await call(g, 'POST', '/analyze-batch?async=true', { body: batch(3000, 1), headers: s.auth })).status, 202);
  });
});

describe('bounded work', () => {
  test('frames waiting per session are capped (429 + Retry-After); other sessions still get in', async () => {
    const g = await startGateway({ MAX_PENDING_FRAMES_PER_SESSION: '3', MAX_QUEUED_JOBS: '1000' });
    const s = await newSession(g);
    const image = (t: number) => ({ session_id: s.id, image_data: PNG_1x1, timestamp: t });
    for (let i = 0; i < 3; i++) assert.equal((await call(g, 'POST', '/analyze-image?async=true', { body: image(1000 + i * 33), headers: s.auth })).status, 202);
    const refused = await call(g, 'POST', '/analyze-image?async=true', { body: image(2000), headers: s.auth });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'too_many_pending_frames');
    assert.equal(refused.headers.get('retry-after'), '1');
    const other = await newSession(g);
    assert.equal((await call(g, 'POST', '/analyze-image?async=true', { body: { ...image(1000), session_id: other.id }, headers: other.auth })).status, 202);
  });

  test('a synchronous request that times out leaves no job and no reservation behind', async () => {
    const g = await startGateway();
    const s = await newSession(g);
    const r = await call(g, 'POST', '/analyze-image', { body: { session_id: s.id, image_data: PNG_1x1, timestamp: 1000 }, headers: s.auth });
    assert.equal(r.status, 504);
    assert.equal(await g.jobs.queue.getWaitingCount(), 0, 'the job was withdrawn');
    assert.deepEqual(await g.redis.hgetall(`${redisPrefix(g.prefix)}:work:totals`), { bytes: '0', jobs: '0' });
  });

  test('a flood of async batches is refused fast while Redis memory stays bounded (INFO memory)', async (t) => {
    const capMb = 8;
    const g = await startGateway({
      MAX_QUEUED_BYTES: String(capMb * 1024 * 1024),
      MAX_QUEUED_JOBS: '100000',
      MAX_IMAGE_BYTES: String(512 * 1024),
      MAX_BATCH_IMAGES: '4',
      CLIENT_MAX_SESSIONS: '100',
      CLIENT_FRAMES_PER_SECOND: '100000',
      CLIENT_REQUESTS_PER_MINUTE: '100000',
    });
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await g.redis.info('memory'))![1]);
    const before = await usedMemory();
    const sessions = await Promise.all(Array.from({ length: 8 }, () => newSession(g)));
    const image = fakeJpeg(384 * 1024);
    const statuses: Record<number, number> = {};
    let acceptedBytes = 0;
    let slowest = 0;
    // 8 clients x 10 batches x 4 images x 384 kB = 120 MB offered (160 MB as base64).
    await Promise.all(
      sessions.map(async (s) => {
        for (let k = 0; k < 10; k++) {
          const body = { session_id: s.id, images: Array.from({ length: 4 }, (_, i) => ({ image_data: image, timestamp: 1000 + (k * 4 + i) * 33 })) };
          const started = Date.now();
          const r = await call(g, 'POST', '/analyze-batch?async=true', { body, headers: s.auth });
          slowest = Math.max(slowest, Date.now() - started);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status === 202) acceptedBytes += 4 * image.length;
          else assert.ok(r.headers.get('retry-after'), `${r.status} without Retry-After`);
        }
      }),
    );
    const grown = (await usedMemory()) - before;
    t.diagnostic(`answers ${JSON.stringify(statuses)}; accepted ${(acceptedBytes / 2 ** 20).toFixed(1)} MB; Redis used_memory grew ${(grown / 2 ** 20).toFixed(1)} MB (cap ${capMb} MB); slowest answer ${slowest} ms`);
    assert.ok((statuses[503] ?? 0) + (statuses[429] ?? 0) > 0, 'the flood was refused');
    assert.ok(acceptedBytes <= capMb * 2 ** 20 + 4 * image.length * sessions.length, `accepted ${acceptedBytes} bytes`);
    assert.ok(grown < (capMb + 12) * 2 ** 20, `Redis grew ${grown} bytes`);
  });

  test('a multipart body is bounded like a JSON body, declared or chunked', async () => {
    const g = await startGateway({ MAX_REQUEST_BYTES: '100000', MAX_IMAGE_BYTES: '80000' });
    const s = await newSession(g);
    const form = new FormData();
    form.set('session_id', s.id);
    for (let i = 0; i < 2; i++) form.append('images', new Blob([Buffer.from(fakeJpeg(60_000), 'base64')]), `f${i}.jpg`);
    const declared = await fetch(`${g.base}/analyze-batch`, { method: 'POST', body: form, headers: s.auth });
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as Json).code, 'payload_too_large');
    // The same form as a chunked stream (no Content-Length): stopped once past the limit.
    const encoded = new Response(form);
    const chunked = await fetch(`${g.base}/analyze-batch`, {
      method: 'POST',
      body: encoded.body,
      headers: { ...s.auth, 'content-type': encoded.headers.get('content-type')! },
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal(((await chunked.json()) as Json).code, 'payload_too_large');
  });
});

describe('hardening', () => {
  test('security headers from helmet on API answers, the page and the docs', async () => {
    const g = await startGateway();
    for (const url of ['/health', '/docs', '/sessions']) {
      const res = await fetch(g.base + url);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/, url);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', url);
      assert.ok(res.headers.get('strict-transport-security'), url);
      assert.equal(res.headers.get('x-powered-by'), null, url);
    }
  });

  test('CORS: any origin in the open default; only the allowlist when CORS_ORIGINS is set', async () => {
    const open = await startGateway();
    const pre = await fetch(`${open.base}/create-session`, { method: 'OPTIONS', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');

    const listed = await startGateway({ CORS_ORIGINS: 'https://lab.example' });
    const allowed = await fetch(`${listed.base}/sessions`, { method: 'OPTIONS', headers: { origin: 'https://lab.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization,x-api-key' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://lab.example');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /DELETE/);
    const other = await fetch(`${listed.base}/sessions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const get = await fetch(`${listed.base}/sessions`, { headers: { origin: 'https://evil.example' } });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
  });

  test('X-Request-Id is echoed only when short and plain', async () => {
    const g = await startGateway();
    const kept = await fetch(`${g.base}/health`, { headers: { 'x-request-id': 'trace-42.abc:1' } });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42.abc:1');
    for (const bad of ['x'.repeat(65), '<script>alert(1)</script>', 'a b', '{"level":60}']) {
      const res = await fetch(`${g.base}/health`, { headers: { 'x-request-id': bad } });
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, bad);
    }
  });

  test('worker metrics listen on loopback unless configured; the gateway trusts no proxy by default', () => {
    assert.equal(loadWorkerConfig({}).METRICS_HOST, '127.0.0.1');
    assert.equal(loadGatewayConfig({}).TRUST_PROXY, false);
    assert.deepEqual(loadGatewayConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(loadGatewayConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
  });
});
