/**
 * `npm run bench:device`: private mode's proof of equivalence. Every published clip of the
 * synthetic benchmark (the quick suite) is measured two ways on the same frames:
 *   server path  the camera's JPEGs through the worker's frame pipeline, estimated as a worker does;
 *   device path  the camera's pixels (no compression: nothing is uploaded) through the same vision
 *                code in this process, as the page does, posted once a second as rich samples to a
 *                real service (POST /session/{id}/samples), its answers scored.
 * Both are scored against the known heart rate at every second after warm-up, and against each
 * other (mean |device - server| where both answer).
 *   npm run bench:device
 *   npm run bench:device -- --scenarios still,head_bob
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadWorkerConfig } from '@pulsecam/config';
import { richSampleOf, type Estimate, type RichSample } from '@pulsecam/contracts';
import { createPhysiology, loadFaceTemplate, scenarios, SceneRenderer, type Scenario } from '@pulsecam/synth';
import { detectorFromConfig, estimateSession, pipelineFromConfig, type FramePipeline } from '@pulsecam/analysis';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import { startService, type RunningService } from '../test/support/service.ts';
import { summarize, WINDOW_SECONDS, windowResult, type ClipResult, type WindowResult } from './accuracy-score.ts';
import { ROOT } from './trace-cache.ts';

const { values: args } = parseArgs({ options: { scenarios: { type: 'string', default: '' }, workers: { type: 'string', default: '1' } } });
const config = loadWorkerConfig();
const wanted = args.scenarios ? args.scenarios.split(',').map((s) => s.trim()) : null;
// Uploaded-video scenarios have no device path (a device measures its camera, not an mp4).
const suite = scenarios().filter((s) => !s.spec.videoCodec && (!wanted || wanted.includes(s.family)));
const settings = { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };

interface Paths {
  server: ClipResult;
  device: ClipResult;
  /** |device - server| in bpm, per second where both answered. */
  differences: number[];
}

/** The camera's pixels at the size the workers analyse (their ANALYSIS_MAX_SIDE). */
async function analysisPixels(frame: { data: Uint8Array; width: number; height: number }) {
  const scale = Math.min(1, config.ANALYSIS_MAX_SIDE / Math.max(frame.width, frame.height));
  if (scale === 1) return frame;
  const width = Math.round(frame.width * scale);
  const height = Math.round(frame.height * scale);
  const data = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(width, height).raw().toBuffer();
  return { data: new Uint8Array(data), width, height };
}

async function post(service: RunningService, session: { id: string; token: string }, samples: RichSample[]): Promise<Estimate> {
  const res = await fetch(`${service.baseUrl}/session/${session.id}/samples`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ samples }),
  });
  const body = (await res.json()) as Estimate & { detail?: string };
  if (!res.ok) throw new Error(`samples refused: ${res.status} ${body.detail}`);
  return body;
}

async function measureClip(sc: Scenario, renderer: SceneRenderer, pipeline: FramePipeline, service: RunningService): Promise<Paths> {
  const physiology = createPhysiology(sc.spec.physiology, sc.spec.durationSeconds);
  const created = (await (await fetch(`${service.baseUrl}/create-session`, { method: 'POST' })).json()) as { session_id: string; session_token: string };
  const session = { id: created.session_id, token: created.session_token };
  const serverTrace: TraceSample[] = [];
  const frameTimes: number[] = [];
  let serverState: TrackState | null = null;
  let deviceState: TrackState | null = null;
  let pending: RichSample[] = [];
  const server: WindowResult[] = [];
  const device: WindowResult[] = [];
  const differences: number[] = [];
  let firstDevice: number | null = null;
  let second = 1;
  const close = async (endMs: number) => {
    // The device's second, through the API.
    const answer = await post(service, session, pending);
    pending = [];
    const end = endMs / 1000;
    if (end < WINDOW_SECONDS) return;
    // The server path's estimate of the same second, as a worker makes it from its own trace.
    const from = endMs - config.BUFFER_SECONDS * 1000;
    const samples = serverTrace.filter((s) => s.t >= from && s.t <= endMs);
    const faceTimes = new Set(samples.map((s) => s.t));
    const frames = frameTimes.filter((t) => t >= from && t <= endMs);
    const local = estimateSession(samples, { lastFrameTs: frames.at(-1) ?? null, noFaceTimes: frames.filter((t) => !faceTimes.has(t)) }, settings);
    server.push(windowResult(sc, physiology, local, samples.length ? samples[0].t / 1000 : end, end));
    device.push(windowResult(sc, physiology, answer, (firstDevice ?? endMs) / 1000, end));
    if (answer.heart_rate !== null && local.heart_rate !== null) differences.push(Math.abs(answer.heart_rate - local.heart_rate));
  };
  for (let i = 0; i < renderer.times.length; i++) {
    const frame = await renderer.renderFrame(i);
    if (frame.timestampMs >= second * 1000) {
      await close(frameTimes.at(-1)!);
      second = Math.floor(frame.timestampMs / 1000) + 1;
    }
    const served = await pipeline.process(frame.jpeg, frame.timestampMs, serverState);
    serverState = served.state;
    frameTimes.push(frame.timestampMs);
    if (served.sample) serverTrace.push(served.sample);
    const pixels = await renderer.renderPixels(i);
    const image = await analysisPixels(pixels);
    const seen = await pipeline.analyzePixels(image, { width: pixels.width, height: pixels.height }, pixels.timestampMs, deviceState);
    deviceState = seen.state;
    if (seen.sample) firstDevice ??= seen.sample.t;
    pending.push(seen.sample ? richSampleOf(seen.sample) : { timestamp: pixels.timestampMs, face: false });
  }
  await close(frameTimes.at(-1)!);
  const clip = (windows: WindowResult[]): ClipResult => ({
    clip: sc.name,
    family: sc.family,
    expect: sc.expect,
    independentWindows: Math.floor(sc.spec.durationSeconds / WINDOW_SECONDS),
    windows,
  });
  return { server: clip(server), device: clip(device), differences };
}

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '-');

const detector = await detectorFromConfig(config);
const template = await loadFaceTemplate(path.join(ROOT, 'fixtures', 'astronaut.png'), detector);
const pipeline = pipelineFromConfig(detector, config);
const service = await startService({ workers: Number(args.workers), env: { LOG_LEVEL: 'warn' } });
const started = performance.now();
const results: Paths[] = [];
try {
  console.log(`Device path vs server path on ${suite.length} clips (method ${config.HR_METHOD}):\n`);
  console.log('| clip | server MAE (answered) | device MAE (answered) | mean |device - server| |');
  console.log('|---|---|---|---|');
  for (const sc of suite) {
    const r = await measureClip(sc, new SceneRenderer(sc.spec, template), pipeline, service);
    results.push(r);
    const s = summarize([r.server]);
    const d = summarize([r.device]);
    const agree = r.differences.length ? r.differences.reduce((a, b) => a + b, 0) / r.differences.length : NaN;
    console.log(`| ${sc.name} | ${fmt(s.mae)} (${pct(s.answered)}) | ${fmt(d.mae)} (${pct(d.answered)}) | ${fmt(agree, 2)} |`);
  }
} finally {
  await service.stop();
}
const pulse = results.filter((r) => r.server.expect === 'pulse');
const s = summarize(pulse.map((r) => r.server));
const d = summarize(pulse.map((r) => r.device));
const all = pulse.flatMap((r) => r.differences);
const agree = all.length ? all.reduce((a, b) => a + b, 0) / all.length : NaN;
console.log(`\nClips with a pulse (${pulse.length}): server path MAE ${fmt(s.mae, 2)} bpm [${fmt(s.maeCi[0], 2)}–${fmt(s.maeCi[1], 2)}] at ${pct(s.answered)} answered;`);
console.log(`device path MAE ${fmt(d.mae, 2)} bpm [${fmt(d.maeCi[0], 2)}–${fmt(d.maeCi[1], 2)}] at ${pct(d.answered)} answered;`);
console.log(`MAE difference (device - server): ${fmt(d.mae - s.mae, 2)} bpm (target: within 0.5 bpm);`);
console.log(`per second, the two answers differ by ${fmt(agree, 2)} bpm on average over the ${all.length} seconds both answered.`);
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
