/**
 * `npm run bench:load`: live clients posting like the web page against the whole service, on this
 * machine. Each client makes a session, captures 10 frames a second (360x270 JPEG from the
 * synthetic generator, capture timestamps) and posts them as one multipart /analyze-batch a
 * second, one batch in flight (frames that pile up while it waits are kept, as the page does, up
 * to two seconds' worth). For each number of clients it prints offered vs answered frames/s,
 * batch latency p50/p95/p99, the share of batches answered within 1 s, CPU and RSS of every
 * process, Redis's CPU and memory, and finally the largest number of clients held at p95 <= 1 s.
 * The generator shares the machine with the service, so it is kept cheap: one timer per batch
 * (capture times follow from the clock), and samples go out as hand-written HTTP/1.1 on one
 * kept-alive connection per client (JsonPoster: about half of node:http's cost per request, a
 * fraction of fetch's).
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
 * page would; the service then only stores them and runs the estimator. Each answer's
 * estimate_age_ms is kept: a round is held only if the estimates the answers carry are at most
 * --max-age ms old at p95 (under load the service answers with a young estimate before refusing).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { connectRedis } from '@pulsecam/store';
import { SceneRenderer, webcamScenario } from '@pulsecam/synth';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';
import { loadLauncherConfig, loadWorkerConfig } from '@pulsecam/config';
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
    // Samples mode: a load is held only if the estimates the answers carry are at most this old
    // at p95 (ms). Under load the service answers with a session's newest estimate while it is
    // younger than SAMPLES_MAX_ESTIMATE_AGE_MS (default 5 s) instead of refusing the post.
    'max-age': { type: 'string', default: '5000' },
  },
});
const MODE = args.mode === 'samples' ? 'samples' : 'frames';
const { REFRESHER_WORKERS } = loadLauncherConfig();
const SECONDS = Number(args.seconds);
const WARMUP_SECONDS = Number(args.warmup);
const FPS = Number(args.fps);
const [WIDTH, HEIGHT] = args.size!.split('x').map(Number);
const CLIENT_COUNTS = args.clients!.split(',').map(Number);
const MAX_ESTIMATE_AGE_MS = Number(args['max-age']);
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
  /** What a per-minute line has reported already: latencies and estimate ages (counts), frames answered. */
  reported: { latencies: number; ages: number; answered: number };
  offered: number;
  answered: number;
  latencies: number[];
  /** Samples mode: estimate_age_ms of each answer (0: made for that post). */
  ages: number[];
  refused: number;
  failed: number;
  statuses: Record<string, number>;
  /** The first answer of each failing status, as the service gave it (to say why). */
  problems: Record<string, string>;
}

/** One client from its session's creation to `stopAt`; what it offers and gets is counted from `measureFrom` on. */
async function runClient(
  baseUrl: string,
  frames: Buffer[],
  observations: string[],
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
  // The camera captures frame k at t0 + k / FPS; a frame is queued once captured (the oldest
  // dropped beyond MAX_QUEUED), and a batch leaves at most once a second, one in flight. One
  // timer per batch: the generator's own cost stays small next to the service's.
  const t0 = Date.now();
  const frameMs = 1000 / FPS;
  const capturedBy = (now: number) => Math.floor((now - t0) / frameMs) + 1;
  let nextFrame = 0;
  let lastSent = -Infinity;
  let poster: JsonPoster | undefined;
  while (true) {
    const now = Date.now();
    const wait = Math.max(lastSent + BATCH_MS - now, nextFrame < capturedBy(now) ? 0 : t0 + nextFrame * frameMs - now);
    if (now + wait >= stopAt) break;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    const captured = capturedBy(sentAt);
    const batch: { index: number; t: number }[] = [];
    for (let k = Math.max(nextFrame, captured - MAX_QUEUED); k < captured; k++) batch.push({ index: k % frames.length, t: t0 + k * frameMs });
    nextFrame = captured;
    lastSent = sentAt;
    const measured = sentAt >= measureFrom;
    try {
      let status: number;
      let problem = '';
      let age: number | null = null;
      if (MODE === 'samples') {
        // The body as JSON.stringify would write it, from each observation's JSON made once.
        const samples = batch.map((f) => `{"timestamp":${Math.round(f.t * 10) / 10},${observations[f.index]}}`);
        poster ??= new JsonPoster(new URL(baseUrl), `/session/${sessionId}/samples`, auth.authorization);
        const answer = await poster.post(`{"samples":[${samples.join(',')}]}`);
        status = answer.status;
        if (status !== 200) problem = answer.body.slice(0, 400);
        const field = /"estimate_age_ms":(\d+)/.exec(answer.body);
        if (field) age = Number(field[1]);
      } else {
        const form = new FormData();
        form.set('session_id', sessionId);
        form.set('timestamps', batch.map((f) => f.t.toFixed(1)).join(','));
        batch.forEach((f, i) => form.append('images', new Blob([new Uint8Array(frames[f.index])], { type: 'image/jpeg' }), `frame-${i}.jpg`));
        const res = await fetch(`${baseUrl}/analyze-batch`, { method: 'POST', body: form, headers: auth });
        status = res.status;
        problem = status === 200 ? (await res.arrayBuffer(), '') : (await res.text()).slice(0, 400);
      }
      if (!measured) continue;
      stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
      if (status === 200) {
        stats.answered += batch.length;
        stats.latencies.push(Date.now() - sentAt);
        if (age !== null) stats.ages.push(age);
      } else if (status === 429 || status === 503) stats.refused++;
      else {
        stats.failed++;
        stats.problems[status] ??= problem;
      }
    } catch (err) {
      if (!measured) continue;
      stats.failed++;
      // Counted by cause beside the statuses (a connection reset, a refused connection).
      const cause = `error ${(err as NodeJS.ErrnoException).code ?? (err as Error).name}`;
      stats.statuses[cause] = (stats.statuses[cause] ?? 0) + 1;
    }
  }
  poster?.close();
  // Frames the camera captured while measured, sent or not.
  stats.offered += Math.max(0, capturedBy(stopAt) - Math.max(0, Math.ceil((measureFrom - t0) / frameMs)));
  await fetch(`${baseUrl}/session/${sessionId}`, { method: 'DELETE', headers: auth }).catch(() => undefined);
}

/**
 * One client's samples posts: HTTP/1.1 written by hand on one kept-alive TCP connection, one post
 * at a time, the answer read by its Content-Length (every answer of the service carries one).
 * The generator shares the 2 cores with the service it measures; this costs it about half of what
 * node:http's client does per request, which is CPU the service gets back. A connection the
 * server closed just as it was reused (no byte of the answer read yet) is retried once on a new
 * one, as browsers do; the samples endpoint stores each capture time once.
 */
class JsonPoster {
  private socket: net.Socket | null = null;
  private waiting: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void } | null = null;
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private readonly head: string;

  constructor(
    private readonly url: URL,
    path: string,
    authorization: string,
  ) {
    this.head = `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n`;
  }

  post(body: string, retried = false): Promise<{ status: number; body: string }> {
    if (this.waiting) return Promise.reject(new Error('one post at a time'));
    const socket = this.socket ?? this.connect();
    const reused = this.socket !== null;
    this.socket = socket;
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`${this.head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }).catch((err: NodeJS.ErrnoException) => {
      if (!retried && reused && !(err as { partial?: boolean }).partial && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return this.post(body, true);
      throw err;
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const socket = net.connect(Number(this.url.port || 80), this.url.hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      if (this.socket === socket) this.socket = null;
      // Whether part of the answer had come: then the post may have been stored, and is not retried.
      this.finish(null, Object.assign(err, { partial: this.receivedBytes > 0 }));
    };
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    const all = this.received.length === 1 ? chunk : Buffer.concat(this.received);
    this.received = [all];
    const headEnd = all.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = all.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.finish(null, new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
    const end = headEnd + 4 + Number(length[1]);
    if (all.length < end) return;
    const status = Number(head.slice(9, 12));
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    this.finish({ status, body: all.toString('latin1', headEnd + 4, end) }, null);
  }

  private finish(answer: { status: number; body: string } | null, err: Error | null): void {
    const waiting = this.waiting;
    this.waiting = null;
    this.received = [];
    this.receivedBytes = 0;
    if (!waiting) return;
    if (answer) waiting.resolve(answer);
    else waiting.reject(err!);
  }
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

/** Heart-rate estimates the workers have made so far (all of them, from their metrics ports; NaN when one does not answer). */
async function workerEstimates(ports: number[]): Promise<number> {
  const counts = await Promise.all(
    ports.map((port) =>
      fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .then((text) => Number(/^pulsecam_worker_stage_duration_seconds_count\{stage="estimate"\} (\d+)/m.exec(text)?.[1] ?? 0))
        .catch(() => NaN),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Redis's memory and its CPU seconds so far (user + system, from INFO). */
async function redisStats(url: string): Promise<{ memoryMb: number; cpu: number }> {
  const redis = connectRedis(url);
  try {
    const info = await redis.info();
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    return { memoryMb: field('used_memory') / 1024 / 1024, cpu: field('used_cpu_user') + field('used_cpu_sys') };
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
  /** Samples mode: the answers' estimate ages (ms), p50 and p95, and fresh estimates per client and second. */
  ageP50: number;
  ageP95: number;
  freshPerClientSecond: number;
}

async function round(
  service: { baseUrl: string; redisUrl: string; pids?: RunningService['pids']; workerMetricsPorts?: number[] },
  frames: Buffer[],
  observations: string[],
  clients: number,
): Promise<RoundResult> {
  const pids = service.pids ? [['gateway', service.pids.gateway] as const, ...service.pids.workers.map((p, i) => [`worker ${i}`, p] as const)] : [];
  const measureFrom = Date.now() + WARMUP_SECONDS * 1000;
  const stopAt = measureFrom + SECONDS * 1000;
  const all: ClientStats[] = Array.from({ length: clients }, () => ({ reported: { latencies: 0, ages: 0, answered: 0 }, offered: 0, answered: 0, latencies: [], ages: [], refused: 0, failed: 0, statuses: {}, problems: {} }));
  const clientsDone = Promise.all(all.map((s, i) => runClient(service.baseUrl, frames, observations, { measureFrom, stopAt }, (i * BATCH_MS) / clients, s)));
  await new Promise((r) => setTimeout(r, Math.max(0, measureFrom - Date.now())));
  const before = new Map(pids.map(([name, pid]) => [name, processSample(pid)]));
  const redisBefore = await redisStats(service.redisUrl);
  const estimatesBefore = await workerEstimates(service.workerMetricsPorts ?? []);
  const ownCpu = process.cpuUsage();
  const started = Date.now();
  // CPU is read when the measured time ends, before the clients wind down.
  const atStop = new Promise<{ procs: Map<string, ReturnType<typeof processSample>>; own: NodeJS.CpuUsage; redis: { memoryMb: number; cpu: number }; estimates: number }>((resolve) =>
    setTimeout(() => {
      const procs = new Map(pids.map(([name, pid]) => [name, processSample(pid)]));
      const own = process.cpuUsage(ownCpu);
      void Promise.all([redisStats(service.redisUrl), workerEstimates(service.workerMetricsPorts ?? [])]).then(([redis, estimates]) => resolve({ procs, own, redis, estimates }));
    }, stopAt - Date.now()),
  );
  let nextReport = started + 60_000;
  const reporter = setInterval(() => {
    if (Date.now() < nextReport) return;
    nextReport += 60_000;
    const mem = pids.map(([name, pid]) => `${name} ${processSample(pid)?.rssMb.toFixed(0)} MB`).join(', ');
    const recent = all.flatMap((c) => c.latencies.slice(c.reported.latencies));
    const recentAges = all.flatMap((c) => c.ages.slice(c.reported.ages));
    // Offered: what the clients' cameras captured this minute (a client counts its own at the end);
    // answers to frames captured late in the minute before land in this one, so it can pass 100 % a little.
    const offered = clients * FPS * 60;
    const answered = all.reduce((a, c) => a + c.answered - c.reported.answered, 0);
    all.forEach((c) => (c.reported = { latencies: c.latencies.length, ages: c.ages.length, answered: c.answered }));
    // Samples mode: the other two things a load must keep to be held, this minute.
    const answeredAndAges = MODE === 'samples' ? `, ${((100 * answered) / offered).toFixed(1)}% of frames answered, estimates p95 ${pct(recentAges, 95)} ms old` : '';
    void workerTensors(service.workerMetricsPorts ?? []).then((tensors) =>
      console.log(
        `  ${((Date.now() - started) / 60_000).toFixed(0)} min: batch latency p50 ${pct(recent, 50)} ms, p95 ${pct(recent, 95)} ms${answeredAndAges} this minute; rss ${mem}; tf tensors ${tensors.join(', ') || 'n/a'}`,
      ),
    );
  }, 1000);
  await clientsDone;
  clearInterval(reporter);
  const stopped = await atStop;
  const elapsed = (stopAt - started) / 1000;
  const latencies = all.flatMap((s) => s.latencies);
  const ages = all.flatMap((s) => s.ages);
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
    ageP50: pct(ages, 50),
    ageP95: pct(ages, 95),
    freshPerClientSecond: ages.filter((a) => a === 0).length / clients / elapsed,
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
  const problems: Record<string, string> = {};
  for (const s of all) for (const [k, v] of Object.entries(s.problems)) problems[k] ??= v;
  for (const [k, v] of Object.entries(problems)) console.log(`      first ${k} answer: ${v}`);
  if (MODE === 'samples') {
    console.log(
      `      estimates in the answers: age p50 ${result.ageP50} ms, p95 ${result.ageP95} ms; ${result.freshPerClientSecond > 0 ? `a post waited for a fresh one every ${(1 / result.freshPerClientSecond).toFixed(1)} s per client` : 'no post waited for a fresh one (every answer came from the background refreshes)'}`,
    );
  }
  const own = stopped.own;
  const generator = `load generator (this process) ${((100 * (own.user + own.system)) / 1e6 / elapsed).toFixed(0)}% CPU`;
  const redis = `redis ${((100 * (stopped.redis.cpu - redisBefore.cpu)) / elapsed).toFixed(0)}% CPU ${stopped.redis.memoryMb.toFixed(1)} MB`;
  if (procs) console.log(`      ${procs}; ${generator}; ${redis}`);
  // Samples mode: the estimator's throughput, estimates a second and worker CPU per estimate (all
  // the workers do there; in frames mode their CPU is mostly the vision's).
  const estimates = stopped.estimates - estimatesBefore;
  if (MODE === 'samples' && Number.isFinite(estimates) && estimates > 0) {
    const workerCpu = pids.filter(([name]) => name.startsWith('worker')).reduce((a, [name]) => a + ((stopped.procs.get(name)?.cpu ?? NaN) - (before.get(name)?.cpu ?? NaN)), 0);
    console.log(`      workers: ${(estimates / elapsed).toFixed(0)} estimates/s${Number.isFinite(workerCpu) ? `, ${((1000 * workerCpu) / estimates).toFixed(2)} ms of worker CPU each` : ''}`);
  }
  return result;
}

const frames = await renderFrames();
// Each observation's JSON members without the braces (the timestamp goes first, per post).
const observations = MODE === 'samples' ? (await observe(frames)).map((o) => JSON.stringify(o).slice(1, -1)) : [];
let service: RunningService | null = null;
let target: { baseUrl: string; redisUrl: string; pids?: RunningService['pids']; workerMetricsPorts?: number[] };
if (args.url) {
  target = { baseUrl: args.url.replace(/\/$/, ''), redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
} else {
  // Every client of the generator comes from one address, so the per-client quota must fit them all too.
  const sessions = String(Math.max(1000, 2 * Math.max(...CLIENT_COUNTS)));
  // As `npm start` runs them: only the first REFRESHER_WORKERS workers estimate device sessions.
  service = await startService({ workers: Number(args.workers), refresherWorkers: REFRESHER_WORKERS, env: { LOG_LEVEL: 'warn', MAX_SESSIONS: sessions, CLIENT_MAX_SESSIONS: sessions } });
  target = service;
}
console.log(
  `Pulsecam load benchmark: ${args.url ?? `gateway + ${args.workers} worker(s) started here (device sessions estimated in ${Math.min(Number(args.workers), REFRESHER_WORKERS)})`}; ${os.availableParallelism()} cores; ` +
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
const fresh = (r: RoundResult) => MODE !== 'samples' || r.ageP95 <= MAX_ESTIMATE_AGE_MS;
const held = results.filter((r) => r.p95 <= 1000 && r.failed === 0 && r.answeredFps >= 0.9 * r.offeredFps && fresh(r));
const best = held.reduce<RoundResult | null>((a, r) => (!a || r.clients > a.clients ? r : a), null);
console.log(
  best
    ? `Largest load held (p95 <= 1 s, >= 90% of offered frames answered${MODE === 'samples' ? `, estimates p95 <= ${MAX_ESTIMATE_AGE_MS} ms old` : ''}): ${best.clients} clients, ${best.answeredFps.toFixed(1)} frames/s answered`
    : 'No load level held p95 <= 1 s',
);
