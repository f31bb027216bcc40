/**
 * One clip of the synthetic benchmark through the worker's frame pipeline, in this process: every
 * frame rendered, decoded, tracked and measured exactly as a worker would, the tracking state
 * carried from frame to frame. A clip recorded as video (spec.videoCodec) is encoded with x264
 * and read back through ffmpeg, as an uploaded video is. The accuracy test uses this in-process;
 * the benchmark in child processes (extract-traces.ts), caching the result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scenario, FaceTemplate } from '@pulsecam/synth';
import { encodeVideo, SceneRenderer } from '@pulsecam/synth';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import { traceFrames, type FramePipeline } from '@pulsecam/analysis';
import { ffmpegPath, readVideoFrames } from '@pulsecam/video';
import type { CachedTrace } from './trace-cache.ts';

async function renderVideoTrace(sc: Scenario, renderer: SceneRenderer, pipeline: FramePipeline, started: number): Promise<CachedTrace> {
  const codec = sc.spec.videoCodec!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pulsecam-bench-'));
  const file = path.join(dir, `${sc.name}.mp4`);
  try {
    await encodeVideo(ffmpegPath(), file, renderer, { codec: ['-c:v', 'libx264', '-crf', String(codec.crf), '-preset', codec.preset, '-pix_fmt', 'yuv420p'] });
    const trace = await traceFrames(readVideoFrames(ffmpegPath(), file, { maxSide: Math.max(sc.spec.width, sc.spec.height) }), pipeline);
    return { scenario: sc.name, frames: trace.frameTimes.length, faceFrames: trace.samples.length, frameTimes: trace.frameTimes, samples: trace.samples, extractMs: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function renderTrace(sc: Scenario, template: FaceTemplate, pipeline: FramePipeline): Promise<CachedTrace> {
  const started = performance.now();
  const renderer = new SceneRenderer(sc.spec, template);
  if (sc.spec.videoCodec) return renderVideoTrace(sc, renderer, pipeline, started);
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
