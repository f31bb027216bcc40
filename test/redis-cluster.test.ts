/**
 * Pulsecam on a real Redis Cluster: three masters on local ports (redis-server --cluster-enabled
 * yes, joined by redis-cli --cluster create), the gateway and a worker pointed at one node with
 * REDIS_CLUSTER=true, and a session end to end through it: frames analysed by the worker, device
 * samples, the estimate, the session deleted. Skipped, saying so, where redis-server is missing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { QUEUE_NAME, redisPrefix, sessionKeys, sessionIndexKey } from '@pulsecam/contracts';
import { Cluster } from 'ioredis';
import { connectRedis } from '@pulsecam/store';
import { encodeVideo, meanHeartRate, scenario, SceneRenderer } from '@pulsecam/synth';
import { ffmpegPath } from '@pulsecam/video';
import { apiFetch, rememberSecret } from './support/api.ts';
import { portraitTemplate, renderScenario } from './support/frames.ts';
import { RedisChild } from './support/redis-server.ts';
import { startService, type RunningService } from './support/service.ts';
import { waitFor } from './support/wait.ts';

const available = ['redis-server', 'redis-cli'].every((bin) => spawnSync(bin, ['--version']).status === 0);
const SKIP = available ? false : 'redis-server and redis-cli are not on PATH: install Redis (apt-get install redis-server) to run the Redis Cluster test';

function cli(...args: string[]): string {
  const run = spawnSync('redis-cli', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${run.stderr || run.stdout}`);
  return run.stdout;
}

/** Whether a local TCP port can be listened on. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port for a cluster node: free, and so is its cluster bus port (port + 10000, which must stay below 65536). */
async function clusterPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (!taken.includes(port) && (await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
}

describe('Redis Cluster (three masters on local ports)', { skip: SKIP, timeout: 300_000 }, () => {
  const nodes: RedisChild[] = [];
  let ports: number[] = [];
  let dir: string;
  let service: RunningService;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-cluster-'));
    // A port found free can be taken before the node binds it (or its bus port): such a node is
    // started again on another port, up to three times.
    while (nodes.length < 3) {
      for (let attempt = 1; ; attempt++) {
        const port = await clusterPort(ports);
        const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--dir', dir];
        try {
          nodes.push(await RedisChild.start({ port, args }));
          ports.push(port);
          break;
        } catch (err) {
          if (attempt === 3) throw err;
          console.log(`cluster node on ${port} did not start (${(err as Error).message}); trying another port`);
        }
      }
    }
    cli('--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes');
    for (const port of ports) await waitFor(() => cli('-p', String(port), 'cluster', 'info').includes('cluster_state:ok'), 30_000, `cluster state ok on ${port}`);
    service = await startService({ workers: 1, redisUrl: `redis://127.0.0.1:${ports[1]}`, env: { REDIS_CLUSTER: 'true', VIDEO_SEGMENT_SECONDS: '7' } });
  });

  after(async () => {
    await service?.stop();
    for (const node of nodes) await node.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every key of a session and the queue share one hash slot; the cluster really has three masters', () => {
    const masters = cli('-p', String(ports[0]), 'cluster', 'nodes').split('\n').filter((l) => l.includes('master'));
    assert.equal(masters.length, 3);
    const slot = (key: string) => Number(cli('-p', String(ports[0]), 'cluster', 'keyslot', key).trim());
    const id = '3f0c3a0e-7a55-4c1b-9d38-1f2b1f0c9a11';
    const keys = [...Object.values(sessionKeys(service.prefix, id)), sessionIndexKey(service.prefix), `${redisPrefix(service.prefix)}:${QUEUE_NAME}:wait`];
    assert.deepEqual(new Set(keys.map(slot)).size, 1, keys.join(', '));
  });

  test('a session end to end: frames analysed by the worker, device samples, the estimate, deleted', async (t) => {
    const video = await renderScenario('still', 14);
    const created = await apiFetch(`${service.baseUrl}/create-session`, { method: 'POST' });
    assert.equal(created.status, 201);
    const { session_id: id } = (await created.json()) as { session_id: string };
    let last: { heart_rate: number | null; buffer_seconds: number } = { heart_rate: null, buffer_seconds: 0 };
    // Ten frames a second, a batch a second, as the page sends them.
    const frames = video.frames.filter((_, i) => i % 3 === 0);
    for (let i = 0; i < frames.length; i += 10) {
      const form = new FormData();
      form.set('session_id', id);
      const batch = frames.slice(i, i + 10);
      form.set('timestamps', batch.map((f) => f.timestampMs).join(','));
      for (const f of batch) form.append('images', new Blob([new Uint8Array(f.jpeg)], { type: 'image/jpeg' }), 'frame.jpg');
      const res = await apiFetch(`${service.baseUrl}/analyze-batch`, { method: 'POST', body: form });
      assert.equal(res.status, 200, await res.clone().text());
      last = (await res.json()) as typeof last;
    }
    const truth = video.truthBpm(10);
    t.diagnostic(`through the cluster: ${last.heart_rate} bpm after ${last.buffer_seconds.toFixed(1)} s (truth ${truth.toFixed(1)})`);
    assert.ok(last.heart_rate !== null && Math.abs(last.heart_rate - truth) <= 5, `heart rate ${last.heart_rate}, truth ${truth}`);
    // Device samples go into the same trace.
    const t0 = frames.at(-1)!.timestampMs;
    const samples = await apiFetch(`${service.baseUrl}/session/${id}/samples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ samples: [{ timestamp: t0 + 100, face: false }, { timestamp: t0 + 200, r: 170, g: 120, b: 95 }] }),
    });
    assert.equal(samples.status, 200, await samples.clone().text());
    assert.equal(((await samples.json()) as { stored: number }).stored, 2);
    // The session lives on one master; a cluster client finds it there.
    const cluster = connectRedis(`redis://127.0.0.1:${ports[2]}`, {}, { cluster: true });
    try {
      assert.ok((await cluster.zcard(sessionKeys(service.prefix, id).trace)) > 100, 'the trace is in the cluster');
    } finally {
      cluster.disconnect();
    }
    const deleted = await apiFetch(`${service.baseUrl}/session/${id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    const status = await apiFetch(`${service.baseUrl}/session/${id}/status`);
    assert.equal(status.status, 404);
  });

  test('an uploaded video through the cluster: two segments and their join (a BullMQ flow), the upload removed', async (t) => {
    const file = path.join(dir, 'clip.mp4');
    const sc = scenario('still');
    const renderer = new SceneRenderer({ ...sc.spec, durationSeconds: 14, fps: 15 }, await portraitTemplate());
    await encodeVideo(ffmpegPath(), file, renderer, { codec: ['-c:v', 'libx264', '-crf', '8', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'] });
    const form = new FormData();
    form.set('video', new Blob([new Uint8Array(readFileSync(file))]), 'clip.mp4');
    const sent = await apiFetch(`${service.baseUrl}/analyze-video`, { method: 'POST', body: form });
    assert.equal(sent.status, 202, await sent.clone().text());
    const accepted = (await sent.json()) as { job_id: string; job_token: string; segments: number };
    rememberSecret(accepted.job_token);
    assert.equal(accepted.segments, 2, 'two segments and a join: a flow across the queue');
    let body: { state: string; result?: { summary: { median_bpm: number | null } }; error?: string } = { state: 'waiting' };
    const end = Date.now() + 180_000;
    while (body.state !== 'completed' && body.state !== 'failed' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
      body = (await (await apiFetch(`${service.baseUrl}/jobs/${accepted.job_id}`, { headers: { authorization: `Bearer ${accepted.job_token}` } })).json()) as typeof body;
    }
    assert.equal(body.state, 'completed', JSON.stringify(body));
    const truth = meanHeartRate(renderer.physiology, 0, 14);
    t.diagnostic(`video through the cluster: median ${body.result?.summary.median_bpm} bpm (truth ${truth.toFixed(1)})`);
    assert.ok(body.result?.summary.median_bpm != null && Math.abs(body.result.summary.median_bpm - truth) <= 3);
    // The upload's chunks are gone once the job ended: no master holds a video key.
    const cluster = new Cluster([{ host: '127.0.0.1', port: ports[0] }]);
    try {
      await new Promise((resolve) => cluster.once('ready', resolve));
      const left = (await Promise.all(cluster.nodes('master').map((node) => node.keys(`${redisPrefix(service.prefix)}:video:*`)))).flat();
      assert.deepEqual(left, []);
    } finally {
      cluster.disconnect();
    }
  });
});
