/**
 * `npm run bench:device`: private mode's proof of equivalence. Every published clip of the
 * synthetic benchmark (the quick suite) is measured three ways:
 *   server       the camera's JPEGs through the worker's frame pipeline, estimated as a worker does;
 *   device       the same JPEGs measured by the same vision code in this process, as the page does,
 *                posted once a second as rich samples to a real service (POST /session/{id}/samples)
 *                and its answers scored: the device path on the same frames;
 *   uncompressed the device path on the camera's pixels before JPEG (what private mode really sees:
 *                nothing is uploaded, so nothing is compressed for the upload).
 * Each is scored against the known heart rate at every second after warm-up, and the device paths
 * against the server (mean |device - server| over the seconds both answer).
 *   npm run bench:device
 *   npm run bench:device -- --scenarios still,head_bob
 *   npm run bench:device -- --clips 3 --seconds 60 --scenarios skin_type_V,skin_type_VI   # the full suite's clips
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadWorkerConfig } from '@pulsecam/config';
import { bearer, call, createPulsecamClient, type PulsecamClient } from '@pulsecam/client';
import { richSampleOf, type Estimate, type RichSample } from '@pulsecam/contracts';
import { benchmarkSuite, createPhysiology, loadFaceTemplate, scenarios, SceneRenderer, type Scenario } from '@pulsecam/synth';
import { detectorFromConfig, estimateSessionTracked, pipelineFromConfig, type FramePipeline } from '@pulsecam/analysis';
import type { TrackerHistory } from '@pulsecam/dsp';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import { startService } from '../test/support/service.ts';
import { summarize, WINDOW_SECONDS, windowResult, type ClipResult, type WindowResult } from './accuracy-score.ts';
import { ROOT } from './trace-cache.ts';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '' },
    workers: { type: 'string', default: '1' },
    clips: { type: 'string' },
    seconds: { type: 'string', default: '60' },
  },
});
const config = loadWorkerConfig();
const wanted = args.scenarios ? args.scenarios.split(',').map((s) => s.trim()) : null;
// Uploaded-video scenarios have no device path (a device measures its camera, not an mp4).
// The published clips, or (--clips N) the full benchmark's N independent clips per scenario.
const clips = args.clips ? benchmarkSuite({ clips: Number(args.clips), durationSeconds: Number(args.seconds) }) : scenarios();
const suite = clips.filter((s) => !s.spec.videoCodec && (!wanted || wanted.includes(s.family)));
const settings = { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };

const DEVICE_PATHS = ['device', 'uncompressed'] as const;
type DevicePath = (typeof DEVICE_PATHS)[number];

interface ClipPaths {
  server: ClipResult;
  device: Record<DevicePath, ClipResult>;
  /** Per device path: |device - server| in bpm, per second where both answered. */
  differences: Record<DevicePath, number[]>;
}

/** One device measuring a clip: its tracking state, the samples of the second being filled, its session. */
interface Device {
  session: { session_id: string; session_token: string };
  state: TrackState | null;
  pending: RichSample[];
  first: number | null;
  windows: WindowResult[];
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

/** The device's second of samples through the API (as the page posts them), answered with the estimate. */
function post(api: PulsecamClient, session: { session_id: string; session_token: string }, samples: RichSample[]): Promise<Estimate> {
  return call(() => api.POST('/session/{id}/samples', { params: { path: { id: session.session_id } }, body: { samples }, ...bearer(session.session_token) }));
}

/** A frame through the device's vision, kept as the sample the page would post. */
function observe(device: Device, seen: { sample: TraceSample | null; state: TrackState }, timestampMs: number): void {
  device.state = seen.state;
  if (seen.sample) device.first ??= seen.sample.t;
  device.pending.push(seen.sample ? richSampleOf(seen.sample) : { timestamp: timestampMs, face: false });
}

async function measureClip(sc: Scenario, renderer: SceneRenderer, pipeline: FramePipeline, api: PulsecamClient): Promise<ClipPaths> {
  const physiology = createPhysiology(sc.spec.physiology, sc.spec.durationSeconds);
  const devices = {} as Record<DevicePath, Device>;
  for (const name of DEVICE_PATHS) devices[name] = { session: await call(() => api.POST('/create-session')), state: null, pending: [], first: null, windows: [], differences: [] };
  const serverTrace: TraceSample[] = [];
  const frameTimes: number[] = [];
  let serverState: TrackState | null = null;
  let serverTracker: TrackerHistory | null = null;
  const server: WindowResult[] = [];
  let second = 1;
  /** The second's samples through the API for each device; the server path's estimate of the same second. */
  const close = async (endMs: number) => {
    const answers = await Promise.all(
      DEVICE_PATHS.map(async (name) => {
        const device = devices[name];
        const answer = await post(api, device.session, device.pending);
        device.pending = [];
        return answer;
      }),
    );
    const end = endMs / 1000;
    if (end < WINDOW_SECONDS) return;
    const from = endMs - config.BUFFER_SECONDS * 1000;
    const samples = serverTrace.filter((s) => s.t >= from && s.t <= endMs);
    const faceTimes = new Set(samples.map((s) => s.t));
    const frames = frameTimes.filter((t) => t >= from && t <= endMs);
    // As a live session of uploaded frames would: each estimate hands its tracker windows to the next.
    const tracked = estimateSessionTracked(samples, { lastFrameTs: frames.at(-1) ?? null, noFaceTimes: frames.filter((t) => !faceTimes.has(t)) }, settings, serverTracker);
    serverTracker = tracked.tracker;
    const local = tracked.estimate;
    server.push(windowResult(sc, physiology, local, samples.length ? samples[0].t / 1000 : end, end));
    DEVICE_PATHS.forEach((name, k) => {
      const device = devices[name];
      const answer = answers[k];
      device.windows.push(windowResult(sc, physiology, answer, (device.first ?? endMs) / 1000, end));
      if (answer.heart_rate !== null && local.heart_rate !== null) device.differences.push(Math.abs(answer.heart_rate - local.heart_rate));
    });
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
    // The device on the same frames: the same JPEG, decoded and measured on its own track.
    observe(devices.device, await pipeline.process(frame.jpeg, frame.timestampMs, devices.device.state), frame.timestampMs);
    // The device on the camera's pixels, before any compression.
    const pixels = await renderer.renderPixels(i);
    const image = await analysisPixels(pixels);
    observe(devices.uncompressed, await pipeline.analyzePixels(image, { width: pixels.width, height: pixels.height }, pixels.timestampMs, devices.uncompressed.state), pixels.timestampMs);
  }
  await close(frameTimes.at(-1)!);
  const clip = (windows: WindowResult[]): ClipResult => ({
    clip: sc.name,
    family: sc.family,
    expect: sc.expect,
    independentWindows: Math.floor(sc.spec.durationSeconds / WINDOW_SECONDS),
    windows,
  });
  return {
    server: clip(server),
    device: { device: clip(devices.device.windows), uncompressed: clip(devices.uncompressed.windows) },
    differences: { device: devices.device.differences, uncompressed: devices.uncompressed.differences },
  };
}

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '-');

const detector = await detectorFromConfig(config);
const template = await loadFaceTemplate(path.join(ROOT, 'fixtures', 'astronaut.png'), detector);
const pipeline = pipelineFromConfig(detector, config);
// Every post estimated afresh: each second's answer is compared with the server path's.
const service = await startService({ workers: Number(args.workers), env: { LOG_LEVEL: 'warn', SAMPLES_ESTIMATE_INTERVAL_MS: '0' } });
const started = performance.now();
const results: ClipPaths[] = [];
const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const cell = (c: ClipResult) => {
  const m = summarize([c]);
  return `${fmt(m.mae)} (${pct(m.answered)})`;
};
try {
  console.log(`Server path vs device path on ${suite.length} clips (method ${config.HR_METHOD}); MAE in bpm (share of seconds answered):\n`);
  console.log('| clip | server | device, same frames | \\|device - server\\| | device, uncompressed | \\|uncompressed - server\\| |');
  console.log('|---|---|---|---|---|---|');
  for (const sc of suite) {
    const r = await measureClip(sc, new SceneRenderer(sc.spec, template), pipeline, createPulsecamClient({ baseUrl: service.baseUrl }));
    results.push(r);
    console.log(
      `| ${sc.name} | ${cell(r.server)} | ${cell(r.device.device)} | ${fmt(meanOf(r.differences.device), 2)} | ${cell(r.device.uncompressed)} | ${fmt(meanOf(r.differences.uncompressed), 2)} |`,
    );
  }
} finally {
  await service.stop();
}
const pulse = results.filter((r) => r.server.expect === 'pulse');
const line = (label: string, clips: ClipResult[]) => {
  const m = summarize(clips);
  return `${label}: MAE ${fmt(m.mae, 2)} bpm [${fmt(m.maeCi[0], 2)}–${fmt(m.maeCi[1], 2)}] at ${pct(m.answered)} answered`;
};
const server = summarize(pulse.map((r) => r.server));
console.log(`\nClips with a pulse (${pulse.length}):`);
console.log(line('  server path', pulse.map((r) => r.server)));
for (const name of DEVICE_PATHS) {
  const clips = pulse.map((r) => r.device[name]);
  const diffs = pulse.flatMap((r) => r.differences[name]);
  console.log(`${line(`  ${name}`, clips)}; MAE ${fmt(summarize(clips).mae - server.mae, 2)} bpm from the server's; answers differ by ${fmt(meanOf(diffs), 2)} bpm on average over the ${diffs.length} seconds both answered`);
}
console.log(`(target: the device path on the same frames within 0.5 bpm of the server path; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
