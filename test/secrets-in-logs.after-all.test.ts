/**
 * No session token or API key reaches a log. Runs after every other test file (run-tests.mjs
 * orders *.after-all.test.ts last): it drives one more service at LOG_LEVEL=trace through every
 * kind of call that carries a secret (keys, tokens, wrong ones, async jobs, errors), then checks
 * every secret handed out during the whole run against every service log the run wrote.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiKeyStore, connectRedis, newSecret } from '@pulsecam/store';
import { apiFetch, rememberSecret, SECRETS_FILE, tokenOf } from './support/api.ts';
import { renderScenario, type SyntheticVideo } from './support/frames.ts';
import { startService, type RunningService } from './support/service.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', 'test-artifacts');

describe('secrets never reach the logs', { timeout: 300_000 }, () => {
  let service: RunningService;
  let video: SyntheticVideo;
  before(async () => {
    [service, video] = await Promise.all([startService({ workers: 1, env: { LOG_LEVEL: 'trace', AUTH: 'keys' } }), renderScenario('still', 2)]);
  });
  after(async () => {
    await service?.stop();
  });

  test('a full session at trace level, then every log of the run is searched for every secret handed out', async (t) => {
    const redis = connectRedis(service.redisUrl);
    const { key } = await new ApiKeyStore(redis, service.prefix).create('logcheck');
    redis.disconnect();
    rememberSecret(key);
    const wrongKey = newSecret('pk');
    const wrongToken = newSecret('pst');
    rememberSecret(wrongKey);
    rememberSecret(wrongToken);
    const base = service.baseUrl;
    const keyed = { 'x-api-key': key, 'content-type': 'application/json' };

    assert.equal((await apiFetch(`${base}/create-session`, { method: 'POST', headers: { 'x-api-key': wrongKey } })).status, 401);
    const created = await apiFetch(`${base}/create-session`, { method: 'POST', headers: keyed });
    assert.equal(created.status, 201);
    const { session_id: id } = (await created.json()) as { session_id: string };
    const images = video.frames.slice(0, 10).map((f) => ({ image_data: f.jpeg.toString('base64'), timestamp: f.timestampMs }));
    const sync = await apiFetch(`${base}/analyze-batch`, { method: 'POST', headers: keyed, body: JSON.stringify({ session_id: id, images }) });
    assert.equal(sync.status, 200);
    const queued = await apiFetch(`${base}/analyze-batch?async=true`, {
      method: 'POST',
      headers: keyed,
      body: JSON.stringify({ session_id: id, images: images.map((im) => ({ ...im, timestamp: im.timestamp + 1000 })) }),
    });
    assert.equal(queued.status, 202);
    const { status_url: statusUrl } = (await queued.json()) as { status_url: string };
    const bearer = (await apiFetch(`${base}/session/${id}/status`, { headers: { 'x-api-key': key } })).status;
    assert.equal(bearer, 200);
    assert.equal((await apiFetch(`${base}/session/${id}/status`, { headers: { 'x-api-key': key, authorization: `Bearer ${wrongToken}` } })).status, 404);
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]).toString('base64');
    assert.equal((await apiFetch(`${base}/analyze-image`, { method: 'POST', headers: keyed, body: JSON.stringify({ session_id: id, image_data: broken, timestamp: 5000 }) })).status, 400);
    const created2 = await apiFetch(`${base}/create-session`, { method: 'POST', headers: keyed });
    const { session_token: token2 } = (await created2.json()) as { session_token: string };
    const foreign = (await (await fetch(base + statusUrl, { headers: { 'x-api-key': key, authorization: `Bearer ${token2}` } })).json()) as { code?: string };
    assert.equal(foreign.code, 'job_not_found', "another session's token does not open the job");
    let state = '';
    for (let i = 0; i < 150 && state !== 'completed'; i++) {
      const job = await fetch(base + statusUrl, { headers: { 'x-api-key': key, authorization: `Bearer ${tokenOf(id)}` } });
      state = ((await job.json()) as { state: string }).state;
      if (state !== 'completed') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(state, 'completed');
    assert.equal((await apiFetch(`${base}/session/${id}`, { method: 'DELETE', headers: { 'x-api-key': key } })).status, 200);
    await service.stop();

    const secrets = [...new Set(readFileSync(SECRETS_FILE, 'utf8').split('\n').filter(Boolean))];
    const logs = readdirSync(ARTIFACTS).filter((f) => f.endsWith('.log'));
    let bytes = 0;
    const leaks: string[] = [];
    for (const file of logs) {
      const text = readFileSync(path.join(ARTIFACTS, file), 'utf8');
      bytes += text.length;
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 8)}…`);
    }
    t.diagnostic(`${secrets.length} secrets handed out in this run, searched in ${logs.length} log files (${(bytes / 1e6).toFixed(1)} MB): ${leaks.length} found`);
    assert.ok(existsSync(SECRETS_FILE) && secrets.length >= 5);
    assert.ok(bytes > 0, 'the service logged something at trace level');
    assert.deepEqual(leaks, []);
  });
});
