/**
 * Child process of the accuracy benchmark: renders the named clips and runs every frame through
 * the worker's FramePipeline with the worker's default settings, writing each trace to the cache.
 * Usage: node --import tsx bench/extract-traces.ts <version> <clip seconds> <clip> [...]
 */
import path from 'node:path';
import { loadWorkerConfig } from '@pulsecam/config';
import { loadFaceTemplate, scenario, SceneRenderer } from '@pulsecam/synth';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import { detectorFromConfig, pipelineFromConfig } from '../services/worker/src/pipeline.ts';
import { ROOT, writeCached } from './trace-cache.ts';

const [version, seconds, ...names] = process.argv.slice(2);
// The worker's defaults, or the settings in the environment (part of the trace cache key).
const config = loadWorkerConfig();
const detector = await detectorFromConfig(config);
const template = await loadFaceTemplate(path.join(ROOT, 'fixtures', 'astronaut.png'), detector);
const pipeline = pipelineFromConfig(detector, config);

for (const name of names) {
  const started = performance.now();
  const renderer = new SceneRenderer(scenario(name, Number(seconds)).spec, template);
  const samples: TraceSample[] = [];
  const frameTimes: number[] = [];
  let state: TrackState | null = null;
  for (let i = 0; i < renderer.times.length; i++) {
    const frame = await renderer.renderFrame(i);
    const out = await pipeline.process(frame.jpeg, frame.timestampMs, state);
    frameTimes.push(frame.timestampMs);
    if (out.sample) samples.push(out.sample);
    // As the worker does: the session's tracking state goes from one frame to the next.
    state = out.state;
  }
  const extractMs = performance.now() - started;
  writeCached({ scenario: name, frames: frameTimes.length, faceFrames: samples.length, frameTimes, samples, extractMs }, version);
  process.stdout.write(`  extracted ${name}: ${frameTimes.length} frames, ${samples.length} with a face, ${(extractMs / 1000).toFixed(1)} s\n`);
}
