/**
 * `npm run bench`: per-frame worker time (decode, face + landmarks, regions), heart-rate estimate
 * time on a full buffer, and memory, measured on frames from the synthetic video generator.
 *   FRAMES=120 TF_BACKEND=wasm DETECTOR_INPUT_SIZE=256 npm run bench
 */
import path from 'node:path';
import { loadWorkerConfig } from '@pulsecam/config';
import { estimateHeartRate, METHOD_NAMES } from '@pulsecam/dsp';
import { loadFaceTemplate, scenario, SceneRenderer } from '@pulsecam/synth';
import { FaceDetector } from '@pulsecam/vision';
import type { TraceSample } from '@pulsecam/store';
import { estimateSession } from '../services/worker/src/estimate-session.ts';
import { FramePipeline } from '../services/worker/src/pipeline.ts';

const config = loadWorkerConfig();
const frames = Number(process.env.FRAMES ?? 120);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)}  p95 ${pct(xs, 95).toFixed(1)}  mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}`;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const loadStart = performance.now();
const detector = await FaceDetector.load({ backend: config.TF_BACKEND, inputSize: config.DETECTOR_INPUT_SIZE, minScore: config.MIN_FACE_SCORE, threads: config.TF_THREADS });
const loadMs = performance.now() - loadStart;
const template = await loadFaceTemplate(path.resolve(import.meta.dirname, '../fixtures/astronaut.png'), detector);
const renderer = new SceneRenderer({ ...scenario('mild_motion').spec, durationSeconds: frames / 30 + 1 }, template);
const jpegs = [];
for (let i = 0; i < frames; i++) jpegs.push(await renderer.renderFrame(i));
const pipeline = new FramePipeline(detector, { maxPixels: config.MAX_IMAGE_PIXELS, maxSide: config.ANALYSIS_MAX_SIDE });

for (let i = 0; i < 5; i++) await pipeline.process(jpegs[i].jpeg, jpegs[i].timestampMs, null);
const rssBefore = process.memoryUsage().rss;
const tensorsBefore = detector.tensorMemory().numTensors;
const decode: number[] = [];
const vision: number[] = [];
const total: number[] = [];
let box = null;
const wall = performance.now();
for (const f of jpegs) {
  const t0 = performance.now();
  const out = await pipeline.process(f.jpeg, f.timestampMs, box);
  total.push(performance.now() - t0);
  decode.push(out.timings.decodeMs);
  vision.push(out.timings.visionMs);
  box = out.observation.face?.box ?? null;
}
const wallSeconds = (performance.now() - wall) / 1000;

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
for (let i = 0; i < 20; i++) estimateSession(samples, samples.at(-1)!.t, { method: config.HR_METHOD, minSignalSeconds: config.MIN_SIGNAL_SECONDS, windowSeconds: config.WINDOW_SECONDS });
const serviceEstimate = (performance.now() - t0) / 20;

console.log(`Pulsecam speed benchmark (${frames} frames of 512x512 JPEG, backend ${config.TF_BACKEND}, detector input ${config.DETECTOR_INPUT_SIZE})`);
console.log(`node ${process.version}, ${process.arch}`);
console.log(`model load + warm-up        ${loadMs.toFixed(0)} ms`);
console.log(`decode (sharp)              ${fmt(decode)} ms/frame`);
console.log(`face + landmarks + regions  ${fmt(vision)} ms/frame`);
console.log(`whole frame                 ${fmt(total)} ms/frame -> ${(frames / wallSeconds).toFixed(1)} frames/s per worker process`);
console.log(`heart-rate estimate, 30 s buffer (900 samples): ${Object.entries(estimateTimes).map(([m, ms]) => `${m} ${ms.toFixed(2)} ms`).join(', ')}; service (${config.HR_METHOD}) ${serviceEstimate.toFixed(2)} ms`);
console.log(`memory: rss ${mb(process.memoryUsage().rss)} (was ${mb(rssBefore)} before the timed frames); tf tensors ${tensorsBefore} -> ${detector.tensorMemory().numTensors}`);
