/**
 * Faults, with real processes: a Redis of the test's own that is killed and started again under a
 * running service, and the `npm start` launcher stopped with SIGTERM while requests are in flight.
 * Answers must come fast and clear during the fault, the service must recover by itself, and the
 * stored frames must be exactly the frames that were accepted.
 */
import { waitFor } from './support/wait.ts';
import { redisPrefix } from '@pulsecam/contracts';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectRedis } from '@pulsecam/store';
import { renderScenario, type SyntheticVideo } from './support/frames.ts';
import { RedisChild } from './support/redis-server.ts';
import { freePort, startService, type RunningService } from './support/service.ts';
import { apiFetch } from './support/api.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Json {
  [k: string]: any;
}

async function call(base: string, method: string, url: string, body?: unknown, timeoutMs = 30_000) {
  const started = Date.now();
  const res = await apiFetch(base + url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers, ms: Date.now() - started };
}

const batchOf = (id: string, frames: SyntheticVideo['frames']) => ({
  session_id: id,
  images: frames.map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs })),
});

describe('faults lose nothing, and every client gets a clear answer fast', { timeout: 600_000 }, () => {
  let video: SyntheticVideo;
  before(async () => {
    video = await renderScenario('still', 3);
  });

  describe('Redis killed and started again under a running service', () => {
    let redis: RedisChild;
    let service: RunningService;
    before(async () => {
      redis = await RedisChild.start();
      service = await startService({ workers: 1, redisUrl: redis.url });
    });
    after(async () => {
      await service?.stop();
      await redis?.down();
    });

    test('503 with Retry-After within 2 s while it is away; recovery without a restart; a lost session is a clean 404', async (t) => {
      const id = (await call(service.baseUrl, 'POST', '/create-session')).body.session_id as string;
      const first = await call(service.baseUrl, 'POST', '/analyze-batch', batchOf(id, video.frames.slice(0, 10)));
      assert.equal(first.status, 200, JSON.stringify(first.body));

      await redis.down();
      const during = await Promise.all([
        call(service.baseUrl, 'POST', '/analyze-batch', batchOf(id, video.frames.slice(10, 20))),
        call(service.baseUrl, 'GET', `/session/${id}/status`),
        call(service.baseUrl, 'POST', '/create-session'),
      ]);
      for (const r of during) {
        assert.equal(r.status, 503, JSON.stringify(r.body));
        assert.equal(r.body.code, 'unavailable');
        assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
        assert.ok(r.ms < 2000, `answered in ${r.ms} ms`);
      }
      const ready = await call(service.baseUrl, 'GET', '/ready');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.redis, 'unreachable');
      assert.ok(ready.ms < 2000, `/ready answered in ${ready.ms} ms`);
      assert.equal((await call(service.baseUrl, 'GET', '/health')).status, 200);
      t.diagnostic(`during the outage: analyze ${during[0].ms} ms, status ${during[1].ms} ms, create ${during[2].ms} ms, ready ${ready.ms} ms`);

      await redis.up();
      const recovery = await waitFor(async () => (await call(service.baseUrl, 'GET', '/ready')).status === 200, 60_000, 'ready again');
      t.diagnostic(`ready again ${recovery} ms after Redis came back`);
      // This Redis keeps nothing on disk: the session is gone, and says so.
      const lost = await call(service.baseUrl, 'POST', '/analyze-batch', batchOf(id, video.frames.slice(10, 20)));
      assert.equal(lost.status, 404);
      assert.equal(lost.body.code, 'session_not_found');
      const fresh = (await call(service.baseUrl, 'POST', '/create-session')).body.session_id as string;
      const after = await call(service.baseUrl, 'POST', '/analyze-batch', batchOf(fresh, video.frames.slice(0, 10)));
      assert.equal(after.status, 200, JSON.stringify(after.body));
      assert.equal(after.body.faces_detected, 10);
    });
  });

  describe('a worker killed (SIGKILL) in the middle of a batch', () => {
    let service: RunningService;
    before(async () => {
      // Short lock so the dead worker's job runs again within seconds; a short wait so the client sees the failure fast.
      service = await startService({ workers: 1, env: { JOB_LOCK_MS: '3000', JOB_TIMEOUT_MS: '4000' } });
    });
    after(async () => {
      await service?.stop();
    });

    test('the client is told (504), its retry and the re-run job store each frame once', async (t) => {
      const id = (await call(service.baseUrl, 'POST', '/create-session')).body.session_id as string;
      const frames = video.frames.slice(0, 60);
      const pending = call(service.baseUrl, 'POST', '/analyze-batch', batchOf(id, frames), 60_000);
      // Kill the only worker once it has taken the job.
      const redisUrl = service.redisUrl;
      const redis = connectRedis(redisUrl);
      try {
        await waitFor(async () => (await redis.llen(`${redisPrefix(service.prefix)}:frames:active`)) > 0, 30_000, 'job taken');
        process.kill(service.pids.workers[0], 'SIGKILL');
        const first = await pending;
        assert.equal(first.status, 504, JSON.stringify(first.body));
        // A new worker comes up; the client retries the same batch (same capture times) until it is answered.
        await service.addWorker();
        const answers: number[] = [];
        for (let attempt = 0; attempt < 10 && answers.at(-1) !== 200; attempt++) {
          answers.push((await call(service.baseUrl, 'POST', '/analyze-batch', batchOf(id, frames), 120_000)).status);
        }
        t.diagnostic(`client retries answered ${answers.join(', ')}`);
        assert.equal(answers.at(-1), 200);
        assert.ok(answers.every((s) => s === 200 || s === 504), answers.join(', '));
        // The dead worker's job runs again after its lock lapses: wait until nothing is queued or running.
        await waitFor(
          async () => (await redis.llen(`${redisPrefix(service.prefix)}:frames:active`)) + (await redis.llen(`${redisPrefix(service.prefix)}:frames:wait`)) + (await redis.zcard(`${redisPrefix(service.prefix)}:frames:delayed`)) === 0,
          60_000,
          'queue drained',
        );
        const status = await call(service.baseUrl, 'GET', `/session/${id}/status`);
        t.diagnostic(`after the kill, the retry and the re-run: ${status.body.frames_received} frames counted, trace ${await redis.zcard(`${redisPrefix(service.prefix)}:session:${id}:trace`)} entries`);
        assert.equal(status.body.frames_received, frames.length, 'each frame counted once');
        assert.equal(await redis.zcard(`${redisPrefix(service.prefix)}:session:${id}:trace`), frames.length, 'each frame stored once');
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('the launcher stopped with SIGTERM while requests are in flight', () => {
    let redis: RedisChild;
    before(async () => {
      redis = await RedisChild.start();
    });
    after(async () => {
      await redis?.down();
    });

    test('in-flight requests are answered, the processes exit in order, and no job is left for the next start', async (t) => {
      const port = await freePort();
      const prefix = 'launcher';
      const launcher = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: redis.url, KEY_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', WORKERS: '1', METRICS_PORT: String(await freePort()), METRICS_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      launcher.stdout!.on('data', (d) => (output += d));
      launcher.stderr!.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((r) => launcher.once('exit', (code) => r(code)));
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await call(base, 'GET', '/ready')).status === 200, 120_000, `launcher ready\n${output}`);

      const id = (await call(base, 'POST', '/create-session')).body.session_id as string;
      const inFlight = [0, 1, 2].map((k) => call(base, 'POST', '/analyze-batch', batchOf(id, video.frames.slice(k * 25, k * 25 + 25)), 60_000));
      await new Promise((r) => setTimeout(r, 300));
      const stopAt = Date.now();
      launcher.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      const code = await exited;
      t.diagnostic(`launcher exited ${Date.now() - stopAt} ms after SIGTERM (code ${code}); answers ${answers.map((a) => a.status).join(', ')}`);
      assert.equal(code, 0, output);
      // Accepted before the stop: answered in full. (A batch that reached the gateway after it began
      // stopping would get a 503 with Retry-After; with these timings all three were in flight.)
      let accepted = 0;
      for (const a of answers) {
        assert.ok(a.status === 200 || (a.status === 503 && a.headers.get('retry-after')), `status ${a.status}: ${JSON.stringify(a.body)}`);
        if (a.status === 200) accepted += a.body.results.length;
      }
      assert.ok(accepted > 0, 'at least the first batch was answered');
      const redisClient = connectRedis(redis.url);
      try {
        assert.equal(await redisClient.llen(`${redisPrefix(prefix)}:frames:wait`), 0, 'no job waits for the next start');
        assert.equal(await redisClient.llen(`${redisPrefix(prefix)}:frames:active`), 0, 'no job was left half done');
        assert.equal(await redisClient.zcard(`${redisPrefix(prefix)}:frames:delayed`), 0);
        // Every answered frame is stored, once.
        assert.equal(await redisClient.zcard(`${redisPrefix(prefix)}:session:${id}:trace`), accepted);
      } finally {
        redisClient.disconnect();
      }
    });
  });
});
