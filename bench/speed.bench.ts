/**
 * `npm run bench`: per-frame worker time (decode, face + landmarks, regions), heart-rate estimate
 * time on a full buffer, and memory, measured on frames from the synthetic video generator.
 *   FRAMES=120 TF_BACKEND=wasm DETECTOR_INPUT_SIZE=256 npm run bench
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadWorkerConfig } from '@pulsecam/config';
import { estimateHeartRate, METHOD_NAMES, type TrackerHistory } from '@pulsecam/dsp';
import { loadFaceTemplate, scenario, SceneRenderer, webcamScenario } from '@pulsecam/synth';
import type { Point, TrackState } from '@pulsecam/vision';
import type { TraceSample } from '@pulsecam/store';
import { detectorFromConfig, estimateSession, estimateSessionTracked, pipelineFromConfig } from '@pulsecam/analysis';

const config = loadWorkerConfig();
const frames = Number(process.env.FRAMES ?? 120);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)}  p95 ${pct(xs, 95).toFixed(1)}  mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const loadStart = performance.now();
const detector = await detectorFromConfig(config);
const loadMs = performance.now() - loadStart;
const template = await loadFaceTemplate(path.resolve(import.meta.dirname, '../fixtures/astronaut.png'), detector);
const pipeline = pipelineFromConfig(detector, config);

async function render(name: string, count: number) {
  const renderer = new SceneRenderer({ ...scenario(name).spec, durationSeconds: count / 30 + 1 }, template);
  const out = [];
  for (let i = 0; i < count; i++) out.push(await renderer.renderFrame(i));
  return out;
}

interface StreamRun {
  decode: number[];
  vision: number[];
  total: number[];
  paths: Record<string, number>;
  /** Mean landmark displacement between consecutive frames (px), per frame pair. */
  jitter: number[];
  framesPerSecond: number;
}

/** A session's frames through the pipeline in order, carrying the tracking state as the worker does. */
async function runStream(frames: { jpeg: Buffer; timestampMs: number }[]): Promise<StreamRun> {
  const run: StreamRun = { decode: [], vision: [], total: [], paths: {}, jitter: [], framesPerSecond: 0 };
  let state: TrackState | null = null;
  let previous: Point[] | null = null;
  const wall = performance.now();
  for (const f of frames) {
    const t0 = performance.now();
    const out = await pipeline.process(f.jpeg, f.timestampMs, state);
    run.total.push(performance.now() - t0);
    run.decode.push(out.timings.decodeMs);
    run.vision.push(out.timings.visionMs);
    run.paths[out.observation.path] = (run.paths[out.observation.path] ?? 0) + 1;
    state = out.state;
    const landmarks = out.observation.face?.landmarks ?? null;
    if (landmarks && previous) run.jitter.push(landmarks.reduce((a, p, i) => a + Math.hypot(p.x - previous![i].x, p.y - previous![i].y), 0) / landmarks.length);
    previous = landmarks;
  }
  run.framesPerSecond = frames.length / ((performance.now() - wall) / 1000);
  return run;
}

/**
 * The Python prototype's class of pipeline (OpenCV Haar cascade on every frame) on the same
 * 360x270 frames, when a python3 with OpenCV is on this machine: its per-frame time as a ratio.
 */
function prototypeComparison(pageFrames: { jpeg: Buffer }[], oursMs: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-haar-'));
  try {
    pageFrames.forEach((f, i) => writeFileSync(path.join(dir, `frame-${String(i).padStart(4, '0')}.jpg`), f.jpeg));
    // The first python that has OpenCV: PYTHON, the one on PATH, or Debian's.
    type Baseline = { mean_ms?: number; face_found?: number; opencv?: string; error?: string };
    let out: Baseline | null = null as Baseline | null;
    for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p))) {
      const run = spawnSync(python, [path.join(import.meta.dirname, 'prototype_baseline.py'), dir], { encoding: 'utf8' });
      const line = run.stdout?.trim().split('\n').at(-1) ?? '';
      if (run.status === 0 && line.startsWith('{')) {
        out = JSON.parse(line) as Baseline;
        break;
      }
    }
    if (!out || out.mean_ms === undefined) {
      return `prototype comparison skipped: ${out?.error ?? 'no python3 with OpenCV here (Debian: apt-get install python3-opencv opencv-data)'}`;
    }
    return `Python-prototype class (OpenCV ${out.opencv} Haar cascade every frame, same 360x270 frames): ${out.mean_ms.toFixed(1)} ms/frame, face found in ${Math.round(100 * out.face_found!)}%; Pulsecam's tracked frame is ${(out.mean_ms / oursMs).toFixed(2)}x faster`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mild = await render('mild_motion', frames);
const still = await render('still', frames);
const empty = await render('no_face', frames);
// The web page's frames: a webcam-like view at 360x270 JPEG.
const webcam = new SceneRenderer({ ...webcamScenario(72, frames / 10 + 1).spec, fps: 10 }, template);
const small = [];
for (let i = 0; i < frames; i++) {
  const f = await webcam.renderFrame(i);
  small.push({ jpeg: await sharp(f.jpeg).resize(360, 270).jpeg({ quality: 85 }).toBuffer(), timestampMs: f.timestampMs });
}
await runStream(mild.slice(0, 10));
const rssBefore = process.memoryUsage().rss;
const tensorsBefore = detector.tensorMemory().numTensors;
const motion = await runStream(mild);
const steady = await runStream(still);
const noFace = await runStream(empty);
const pageSize = await runStream(small);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

// Estimate on a full 30 s buffer at 30 fps.
const samples: TraceSample[] = [];
for (let i = 0; i < 900; i++) {
  const t = i * 33.333;
  const p = Math.sin((2 * Math.PI * 1.2 * t) / 1000);
  samples.push({ t, skin: [170 * (1 + 0.001 * p), 120 * (1 + 0.003 * p), 95 * (1 + 0.002 * p)], pose: [200, 200, 60, 0] });
}
const estimateTimes: Record<string, number> = {};
for (const method of METHOD_NAMES) {
  const trace = { t: samples.map((s) => s.t / 1000), r: samples.map((s) => s.skin[0]), g: samples.map((s) => s.skin[1]), b: samples.map((s) => s.skin[2]) };
  for (let i = 0; i < 3; i++) estimateHeartRate(trace, { method });
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) estimateHeartRate(trace, { method });
  estimateTimes[method] = (performance.now() - t0) / 20;
}
const t0 = performance.now();
for (let i = 0; i < 20; i++) estimateSession(samples, { lastFrameTs: samples.at(-1)!.t, noFaceTimes: [] }, { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS });
const serviceEstimate = (performance.now() - t0) / 20;

// A live session's estimates: rich samples (regions, pose, background) at `fps` (30: a webcam
// through the frames path; 15 and 10: the page's private mode; 20, with capture times jittered by
// up to ±`jitterMs`: a camera whose measured rate wanders around the grids' boundary), a 30 s
// buffer, estimated every 1.5 s for two minutes, afresh and with the tracker's windows handed on.
const liveSettings = { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS };
function liveEstimateCost(fps: number, jitterMs = 0): { afresh: number[]; handedOn: number[] } {
  const rich: TraceSample[] = [];
  let seed = 12345;
  const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * jitterMs;
  for (let i = 0; i < 120 * fps; i++) {
    const t = (i * 1000) / fps + jitter();
    const p = Math.sin((2 * Math.PI * 1.2 * t) / 1000);
    const wobble = Math.sin(t / 1700);
    const rgb = (k: number): [number, number, number] => [170 * (1 + 0.001 * k * p), 120 * (1 + 0.003 * k * p + 0.002 * wobble), 95 * (1 + 0.002 * k * p)];
    rich.push({ t, skin: rgb(1), regions: [rgb(1.2), rgb(0.8), rgb(1)], background: [90, 90 + wobble, 90], pose: [200 + 4 * wobble, 200, 60, 0.02 * wobble] });
  }
  const afresh: number[] = [];
  const handedOn: number[] = [];
  let tracker: TrackerHistory | null = null;
  for (let end = 0; end <= 120_000; end += 1500) {
    const buffer = rich.filter((x) => x.t <= end && x.t > end - config.BUFFER_SECONDS * 1000);
    if (buffer.length < 2) continue;
    const timeline = { lastFrameTs: buffer.at(-1)!.t, noFaceTimes: [] };
    const a = performance.now();
    estimateSession(buffer, timeline, liveSettings);
    const b = performance.now();
    tracker = estimateSessionTracked(buffer, timeline, liveSettings, tracker).tracker;
    const c = performance.now();
    // Steady state: the buffer is full.
    if (end >= config.BUFFER_SECONDS * 1000 + 5000) {
      afresh.push(b - a);
      handedOn.push(c - b);
    }
  }
  return { afresh, handedOn };
}
const liveCosts = [
  { fps: 30, ...liveEstimateCost(30) },
  { fps: 15, ...liveEstimateCost(15) },
  { fps: 10, ...liveEstimateCost(10) },
  { fps: '20 (±3 ms)', ...liveEstimateCost(20, 3) },
];

const paths = (r: StreamRun) => Object.entries(r.paths).map(([k, v]) => `${k} ${v}`).join(', ');
const row = (label: string, r: StreamRun) =>
  [
    `${label}`,
    `  decode (sharp)              ${fmt(r.decode)} ms/frame`,
    `  face + landmarks + regions  ${fmt(r.vision)} ms/frame  (${paths(r)})`,
    `  whole frame                 ${fmt(r.total)} ms/frame -> ${r.framesPerSecond.toFixed(1)} frames/s per worker process`,
  ].join('\n');
console.log(`Pulsecam speed benchmark (${frames} frames per stream, backend ${config.TF_BACKEND}, detector input ${config.DETECTOR_INPUT_SIZE})`);
console.log(`node ${process.version}, ${process.arch}`);
console.log(`model load + warm-up        ${loadMs.toFixed(0)} ms`);
console.log(row('512x512 JPEG, mild motion (tracked face):', motion));
console.log(row('512x512 JPEG, still face:', steady));
console.log(row('360x270 JPEG like the web page (tracked face):', pageSize));
console.log(row('512x512 JPEG, no face (search backs off):', noFace));
console.log(`no-face frame / tracked-face frame: ${(mean(noFace.total) / mean(steady.total)).toFixed(2)}x`);
console.log(`landmark jitter, still face: mean ${mean(steady.jitter).toFixed(3)} px/frame (p95 ${pct(steady.jitter, 95).toFixed(3)}); mild motion: mean ${mean(motion.jitter).toFixed(3)} px/frame`);
console.log(prototypeComparison(small, mean(pageSize.total)));
console.log(`heart-rate estimate, 30 s buffer (900 samples): ${Object.entries(estimateTimes).map(([m, ms]) => `${m} ${ms.toFixed(2)} ms`).join(', ')}; service (${config.HR_METHOD}) ${serviceEstimate.toFixed(2)} ms`);
for (const { fps, afresh, handedOn } of liveCosts) {
  console.log(
    `live session estimate, full ${config.BUFFER_SECONDS} s buffer of rich samples at ${fps} fps, every 1.5 s: afresh ${mean(afresh).toFixed(2)} ms, ` +
      `with the tracker's windows handed on (as the service does) ${mean(handedOn).toFixed(2)} ms (p95 ${pct(handedOn, 95).toFixed(2)} ms)`,
  );
}
console.log(`memory: rss ${mb(process.memoryUsage().rss)} (was ${mb(rssBefore)} before the timed frames); tf tensors ${tensorsBefore} -> ${detector.tensorMemory().numTensors}`);
