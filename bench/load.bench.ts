/**
 * `npm run bench:load`: live clients posting like the web page against the whole service, on this
 * machine. Each client makes a session, captures 10 frames a second (360x270 JPEG from the
 * synthetic generator, capture timestamps) and posts them as one multipart /analyze-batch a
 * second, one batch in flight (frames that pile up while it waits are kept, as the page does, up
 * to two seconds' worth). For each number of clients it prints offered vs answered frames/s,
 * batch latency p50/p95/p99, the share of batches answered within 1 s, CPU and RSS of every
 * process and Redis memory, and finally the largest number of clients held at p95 <= 1 s.
 *
 *   npm run bench:load                                  # starts gateway + WORKERS workers itself
 *   npm run bench:load -- --clients 4,8,10,12 --seconds 30 --workers 2
 *   npm run bench:load -- --url http://127.0.0.1:8000   # an already running service (no process stats)
 *   npm run bench:load -- --clients 10 --seconds 600    # soak: memory over time (printed every minute)
 *   npm run bench:load -- --mode samples --clients 20,40,80   # private mode: rich device samples, no images
 *   npm run bench:load -- --warmup 0                    # measure from the sessions' first second (default 30 s: full buffers)
 *
 * In samples mode each client posts, once a second, the observations the device's own vision made
 * of its frames (POST /session/{id}/samples, rich form: regions, pose, background), as the private
 * page would; the service then only stores them and runs the estimator.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { connectRedis } from '@pulsecam/store';
import { SceneRenderer, webcamScenario } from '@pulsecam/synth';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';
import { loadWorkerConfig } from '@pulsecam/config';
import { richSampleOf, type RichSample } from '@pulsecam/contracts';
import type { TrackState } from '@pulsecam/vision';
import { portraitTemplate } from '../test/support/frames.ts';
import { startService, type RunningService } from '../test/support/service.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    clients: { type: 'string', default: '2,4,6,8,10,12,14' },
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: process.env.WORKERS ?? '2' },
    fps: { type: 'string', default: '10' },
    size: { type: 'string', default: '360x270' },
    mode: { type: 'string', default: 'frames' },
    // Seconds each round's clients stream before it is measured: sessions whose buffer is full
    // (BUFFER_SECONDS) cost what a live session costs; fresh ones cost less.
    warmup: { type: 'string', default: '30' },
  },
});
const MODE = args.mode === 'samples' ? 'samples' : 'frames';
const SECONDS = Number(args.seconds);
const WARMUP_SECONDS = Number(args.warmup);
const FPS = Number(args.fps);
const [WIDTH, HEIGHT] = args.size!.split('x').map(Number);
const CLIENT_COUNTS = args.clients!.split(',').map(Number);
const BATCH_MS = 1000;
const MAX_QUEUED = 2 * FPS;

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

/** Ten seconds of webcam-like video at the page's size, looped with ever-increasing capture times. */
async function renderFrames(): Promise<Buffer[]> {
  const renderer = new SceneRenderer({ ...webcamScenario(72, 10).spec, fps: FPS, durationSeconds: 10 }, await portraitTemplate());
  const out: Buffer[] = [];
  for (let i = 0; i < renderer.times.length; i++) {
    const f = await renderer.renderFrame(i);
    out.push(await sharp(f.jpeg).resize(WIDTH, HEIGHT).jpeg({ quality: 80 }).toBuffer());
  }
  return out;
}

/** The device's side of private mode: the frames' observations, made once here by the same vision code. */
async function observe(frames: Buffer[]): Promise<Omit<RichSample, 'timestamp'>[]> {
  const config = loadWorkerConfig({});
  const pipeline = pipelineFromConfig(await detectorFromConfig(config), config);
  const out: Omit<RichSample, 'timestamp'>[] = [];
  let state: TrackState | null = null;
  for (const [i, jpeg] of frames.entries()) {
    const o = await pipeline.process(jpeg, (i * 1000) / FPS, state);
    state = o.state;
    const s = o.sample;
    if (!s) out.push({ face: false });
    else {
      const { timestamp: _t, ...observation } = richSampleOf(s);
      out.push(observation);
    }
  }
  return out;
}

interface ClientStats {
  /** Latencies already reported in a per-minute line. */
  reported: number;
  offered: number;
  answered: number;
  latencies: number[];
  refused: number;
  failed: number;
  statuses: Record<string, number>;
}

/** One client from its session's creation to `stopAt`; what it offers and gets is counted from `measureFrom` on. */
async function runClient(
  baseUrl: string,
  frames: Buffer[],
  observations: Omit<RichSample, 'timestamp'>[],
  window: { measureFrom: number; stopAt: number },
  offsetMs: number,
  stats: ClientStats,
): Promise<void> {
  const { measureFrom, stopAt } = window;
  await new Promise((r) => setTimeout(r, offsetMs));
  const created = await fetch(`${baseUrl}/create-session`, { method: 'POST' });
  if (!created.ok) {
    stats.failed++;
    stats.statuses[created.status] = (stats.statuses[created.status] ?? 0) + 1;
    return;
  }
  const { session_id: sessionId, session_token: token } = (await created.json()) as { session_id: string; session_token: string };
  const auth = { authorization: `Bearer ${token}` };
  const queue: { index: number; t: number }[] = [];
  const t0 = Date.now();
  let captured = 0;
  let inFlight: Promise<void> | null = null;
  let lastSent = 0;
  const capture = setInterval(() => {
    queue.push({ index: captured % frames.length, t: t0 + (captured * 1000) / FPS });
    captured++;
    if (Date.now() >= measureFrom) stats.offered++;
    if (queue.length > MAX_QUEUED) queue.splice(0, queue.length - MAX_QUEUED);
  }, 1000 / FPS);
  while (Date.now() < stopAt) {
    if (!inFlight && queue.length > 0 && Date.now() - lastSent >= BATCH_MS) {
      const batch = queue.splice(0, queue.length);
      lastSent = Date.now();
      const sentAt = Date.now();
      let request: Promise<Response>;
      if (MODE === 'samples') {
        const samples = batch.map((f) => ({ timestamp: Math.round(f.t * 10) / 10, ...observations[f.index] }));
        request = fetch(`${baseUrl}/session/${sessionId}/samples`, { method: 'POST', body: JSON.stringify({ samples }), headers: { ...auth, 'content-type': 'application/json' } });
      } else {
        const form = new FormData();
        form.set('session_id', sessionId);
        form.set('timestamps', batch.map((f) => f.t.toFixed(1)).join(','));
        batch.forEach((f, i) => form.append('images', new Blob([new Uint8Array(frames[f.index])], { type: 'image/jpeg' }), `frame-${i}.jpg`));
        request = fetch(`${baseUrl}/analyze-batch`, { method: 'POST', body: form, headers: auth });
      }
      const measured = sentAt >= measureFrom;
      inFlight = request
        .then(async (res) => {
          await res.arrayBuffer();
          if (!measured) return;
          stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
          if (res.ok) {
            stats.answered += batch.length;
            stats.latencies.push(Date.now() - sentAt);
          } else if (res.status === 429 || res.status === 503) stats.refused++;
          else stats.failed++;
        })
        .catch(() => {
          if (measured) stats.failed++;
        })
        .finally(() => {
          inFlight = null;
        });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(capture);
  await inFlight;
  await fetch(`${baseUrl}/session/${sessionId}`, { method: 'DELETE', headers: auth }).catch(() => undefined);
}

/** CPU seconds (user + system) and RSS of a process, from /proc. */
function processSample(pid: number): { cpu: number; rssMb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpu: ticks / 100, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
  } catch {
    return null;
  }
}

/** TensorFlow.js tensors held by each worker, from its metrics port. */
async function workerTensors(ports: number[]): Promise<number[]> {
  return Promise.all(
    ports.map((port) =>
      fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .then((text) => Number(/^pulsecam_worker_tf_tensors (\d+)/m.exec(text)?.[1] ?? NaN))
        .catch(() => NaN),
    ),
  );
}

async function redisMemoryMb(url: string): Promise<number> {
  const redis = connectRedis(url);
  try {
    const info = await redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN) / 1024 / 1024;
  } finally {
    redis.disconnect();
  }
}

interface RoundResult {
  clients: number;
  offeredFps: number;
  answeredFps: number;
  p50: number;
  p95: number;
  p99: number;
  within1s: number;
  refused: number;
  failed: number;
  statuses: Record<string, number>;
}

async function round(
  service: { baseUrl: string; redisUrl: string; pids?: RunningService['pids']; workerMetricsPorts?: number[] },
  frames: Buffer[],
  observations: Omit<RichSample, 'timestamp'>[],
  clients: number,
): Promise<RoundResult> {
  const pids = service.pids ? [['gateway', service.pids.gateway] as const, ...service.pids.workers.map((p, i) => [`worker ${i}`, p] as const)] : [];
  const measureFrom = Date.now() + WARMUP_SECONDS * 1000;
  const stopAt = measureFrom + SECONDS * 1000;
  const all: ClientStats[] = Array.from({ length: clients }, () => ({ reported: 0, offered: 0, answered: 0, latencies: [], refused: 0, failed: 0, statuses: {} }));
  const clientsDone = Promise.all(all.map((s, i) => runClient(service.baseUrl, frames, observations, { measureFrom, stopAt }, (i * BATCH_MS) / clients, s)));
  await new Promise((r) => setTimeout(r, Math.max(0, measureFrom - Date.now())));
  const before = new Map(pids.map(([name, pid]) => [name, processSample(pid)]));
  const ownCpu = process.cpuUsage();
  const started = Date.now();
  // CPU is read when the measured time ends, before the clients wind down.
  const atStop = new Promise<{ procs: Map<string, ReturnType<typeof processSample>>; own: NodeJS.CpuUsage }>((resolve) =>
    setTimeout(() => resolve({ procs: new Map(pids.map(([name, pid]) => [name, processSample(pid)])), own: process.cpuUsage(ownCpu) }), stopAt - Date.now()),
  );
  let nextReport = started + 60_000;
  const reporter = setInterval(() => {
    if (Date.now() < nextReport) return;
    nextReport += 60_000;
    const mem = pids.map(([name, pid]) => `${name} ${processSample(pid)?.rssMb.toFixed(0)} MB`).join(', ');
    const recent = all.flatMap((c) => c.latencies.slice(c.reported));
    all.forEach((c) => (c.reported = c.latencies.length));
    void workerTensors(service.workerMetricsPorts ?? []).then((tensors) =>
      console.log(
        `  ${((Date.now() - started) / 60_000).toFixed(0)} min: batch latency p50 ${pct(recent, 50)} ms, p95 ${pct(recent, 95)} ms this minute; rss ${mem}; tf tensors ${tensors.join(', ') || 'n/a'}`,
      ),
    );
  }, 1000);
  await clientsDone;
  clearInterval(reporter);
  const stopped = await atStop;
  const elapsed = (stopAt - started) / 1000;
  const latencies = all.flatMap((s) => s.latencies);
  const statuses: Record<string, number> = {};
  for (const s of all) for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const result: RoundResult = {
    clients,
    offeredFps: all.reduce((a, s) => a + s.offered, 0) / elapsed,
    answeredFps: all.reduce((a, s) => a + s.answered, 0) / elapsed,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    within1s: latencies.length ? latencies.filter((l) => l <= 1000).length / latencies.length : 0,
    refused: all.reduce((a, s) => a + s.refused, 0),
    failed: all.reduce((a, s) => a + s.failed, 0),
    statuses,
  };
  const procs = pids
    .map(([name, pid]) => {
      const a = before.get(name);
      const b = stopped.procs.get(name);
      return a && b ? `${name} ${((100 * (b.cpu - a.cpu)) / elapsed).toFixed(0)}% CPU ${b.rssMb.toFixed(0)} MB` : `${name} gone`;
    })
    .join('; ');
  console.log(
    `${String(clients).padStart(3)} clients: offered ${result.offeredFps.toFixed(1)} frames/s, answered ${result.answeredFps.toFixed(1)} frames/s; ` +
      `batch latency p50 ${result.p50} ms, p95 ${result.p95} ms, p99 ${result.p99} ms; ${(100 * result.within1s).toFixed(0)}% within 1 s; ` +
      `refused ${result.refused}, failed ${result.failed} (statuses ${JSON.stringify(statuses)})`,
  );
  const own = stopped.own;
  const generator = `load generator (this process) ${((100 * (own.user + own.system)) / 1e6 / elapsed).toFixed(0)}% CPU`;
  if (procs) console.log(`      ${procs}; ${generator}; redis ${(await redisMemoryMb(service.redisUrl)).toFixed(1)} MB`);
  return result;
}

const frames = await renderFrames();
const observations = MODE === 'samples' ? await observe(frames) : [];
let service: RunningService | null = null;
let target: { baseUrl: string; redisUrl: string; pids?: RunningService['pids']; workerMetricsPorts?: number[] };
if (args.url) {
  target = { baseUrl: args.url.replace(/\/$/, ''), redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
} else {
  const sessions = String(Math.max(1000, 2 * Math.max(...CLIENT_COUNTS)));
  service = await startService({ workers: Number(args.workers), env: { LOG_LEVEL: 'warn', MAX_SESSIONS: sessions } });
  target = service;
}
console.log(
  `Pulsecam load benchmark: ${args.url ?? `gateway + ${args.workers} worker(s) started here`}; ${os.availableParallelism()} cores; ` +
    (MODE === 'samples'
      ? `private mode: rich samples of ${WIDTH}x${HEIGHT} frames measured on the device, `
      : `${WIDTH}x${HEIGHT} JPEG (~${Math.round(frames.reduce((a, f) => a + f.length, 0) / frames.length / 1024)} kB), `) +
      `${FPS} frames/s per client, one batch a second, each round measured for ${SECONDS} s after ${WARMUP_SECONDS} s of streaming`,
);
const results: RoundResult[] = [];
try {
  for (const n of CLIENT_COUNTS) results.push(await round(target, frames, observations, n));
} finally {
  await service?.stop();
}
const held = results.filter((r) => r.p95 <= 1000 && r.failed === 0 && r.answeredFps >= 0.9 * r.offeredFps);
const best = held.reduce<RoundResult | null>((a, r) => (!a || r.clients > a.clients ? r : a), null);
console.log(
  best
    ? `Largest load held (p95 <= 1 s, >= 90% of offered frames answered): ${best.clients} clients, ${best.answeredFps.toFixed(1)} frames/s answered`
    : 'No load level held p95 <= 1 s',
);
