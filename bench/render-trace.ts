/**
 * One clip of the synthetic benchmark through the worker's frame pipeline, in this process: every
 * frame rendered, decoded, tracked and measured exactly as a worker would, the tracking state
 * carried from frame to frame. The accuracy test uses it in-process; the benchmark in child
 * processes (extract-traces.ts), caching the result.
 */
import type { Scenario, FaceTemplate } from '@pulsecam/synth';
import { SceneRenderer } from '@pulsecam/synth';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import type { FramePipeline } from '@pulsecam/analysis';
import type { CachedTrace } from './trace-cache.ts';

export async function renderTrace(sc: Scenario, template: FaceTemplate, pipeline: FramePipeline): Promise<CachedTrace> {
  const started = performance.now();
  const renderer = new SceneRenderer(sc.spec, template);
  const samples: TraceSample[] = [];
  const frameTimes: number[] = [];
  let state: TrackState | null = null;
  for (let i = 0; i < renderer.times.length; i++) {
    const frame = await renderer.renderFrame(i);
    const out = await pipeline.process(frame.jpeg, frame.timestampMs, state);
    frameTimes.push(frame.timestampMs);
    if (out.sample) samples.push(out.sample);
    state = out.state;
  }
  return { scenario: sc.name, frames: frameTimes.length, faceFrames: samples.length, frameTimes, samples, extractMs: performance.now() - started };
}
