/**
 * Child process of the accuracy benchmark: renders the named clips and runs every frame through
 * the worker's FramePipeline with the worker's default settings (render-trace.ts), writing each
 * trace to the cache. Usage: node --import tsx bench/extract-traces.ts <version> <clip seconds> <clip> [...]
 * (PULSECAM_BENCH_FPS: render every clip at that many frames a second instead of its own.)
 */
import path from 'node:path';
import { loadWorkerConfig } from '@pulsecam/config';
import { loadFaceTemplate, scenario } from '@pulsecam/synth';
import { detectorFromConfig, pipelineFromConfig } from '@pulsecam/analysis';
import { renderTrace } from './render-trace.ts';
import { ROOT, writeCached } from './trace-cache.ts';

const [version, seconds, ...names] = process.argv.slice(2);
// The worker's defaults, or the settings in the environment (part of the trace cache key).
const config = loadWorkerConfig();
const detector = await detectorFromConfig(config);
const template = await loadFaceTemplate(path.join(ROOT, 'fixtures', 'astronaut.png'), detector);
const pipeline = pipelineFromConfig(detector, config);

for (const name of names) {
  const clip = scenario(name, Number(seconds));
  const fps = Number(process.env.PULSECAM_BENCH_FPS ?? clip.spec.fps);
  const trace = await renderTrace({ ...clip, spec: { ...clip.spec, fps } }, template, pipeline);
  writeCached(trace, version);
  process.stdout.write(`  extracted ${name}: ${trace.frames} frames, ${trace.faceFrames} with a face, ${(trace.extractMs / 1000).toFixed(1)} s\n`);
}
