/**
 * A video file (or a folder of numbered images) analysed in this process: probe, decode with
 * ffmpeg, trace, estimate. The CLI runs this whole; the workers run its parts per segment.
 */
import path from 'node:path';
import type { VideoResult } from '@pulsecam/contracts';
import { imageSize, isDirectory, listFrameFiles, probeVideo, readFolderFrames, readVideoFrames, VideoError, type VideoFrame } from '@pulsecam/video';
import type { EstimateSettings } from './estimate-session.ts';
import type { FramePipeline } from './pipeline.ts';
import { heartRateSeries, videoResult, type SeriesPoint } from './video-estimate.ts';
import { traceFrames, type FrameTrace } from './video-trace.ts';

/** The recording holds nothing to measure (as opposed to a file that cannot be read). */
export class NoFaceError extends Error {
  override readonly name = 'NoFaceError';
  readonly code = 'no_face';
}

export interface VideoInput {
  /** Frames in order (ffmpeg's, or a folder's). */
  frames: AsyncIterable<VideoFrame>;
  /** Frames expected (for progress), from the header: an estimate for variable-rate video. */
  expectedFrames: number;
  width: number;
  height: number;
  durationSeconds: number;
}

export interface OpenOptions {
  ffmpeg: string;
  maxSide: number;
  /** Frame rate for a folder of images (ignored for video files). */
  fps?: number;
  signal?: AbortSignal;
}

/** A video file or an image folder as frames, with what its header says about them. */
export async function openVideoInput(input: string, options: OpenOptions): Promise<VideoInput> {
  if (await isDirectory(input)) {
    const files = await listFrameFiles(input);
    if (!options.fps) throw new VideoError('unreadable_video', `${input} is a folder of images: give its frame rate with --fps`);
    const frames = readFolderFrames(files, { maxSide: options.maxSide, fps: options.fps, signal: options.signal });
    const size = await imageSize(files[0]);
    return { frames, expectedFrames: files.length, ...size, durationSeconds: files.length / options.fps };
  }
  const info = await probeVideo(options.ffmpeg, input);
  const frames = readVideoFrames(options.ffmpeg, input, { maxSide: options.maxSide, signal: options.signal });
  return { frames, expectedFrames: Math.max(1, Math.round(info.durationSeconds * (info.fps ?? 30))), width: info.width, height: info.height, durationSeconds: info.durationSeconds };
}

export interface AnalyzeOptions {
  settings: EstimateSettings;
  bufferSeconds: number;
  /** Snapshots for a report: this many frames spread over the recording (0: none). */
  snapshots?: number;
  onFrame?: (framesDone: number, tMs: number) => void;
}

export interface VideoAnalysis {
  result: VideoResult;
  trace: FrameTrace;
  points: SeriesPoint[];
}

/** Series and result from a finished trace (the CLI's last step, and a video job's join). */
export function estimateVideo(trace: FrameTrace, options: AnalyzeOptions, source: { name: string; width: number; height: number }, elapsedMs: number): VideoAnalysis {
  if (trace.samples.length === 0) {
    throw new NoFaceError(`no face found in any of the ${trace.frameTimes.length} frames: the face must be in view, lit and facing the camera`);
  }
  const points = heartRateSeries(trace, { settings: options.settings, bufferSeconds: options.bufferSeconds });
  return { result: videoResult({ trace, points, settings: options.settings, source, elapsedMs }), trace, points };
}

export async function analyzeVideo(input: string, video: VideoInput, pipeline: FramePipeline, options: AnalyzeOptions): Promise<VideoAnalysis> {
  const started = performance.now();
  const n = options.snapshots ?? 0;
  const snapshotsAtMs = Array.from({ length: n }, (_, i) => ((i + 0.5) / n) * video.durationSeconds * 1000);
  const trace = await traceFrames(video.frames, pipeline, { source: video, snapshotsAtMs, onFrame: options.onFrame });
  if (trace.frameTimes.length === 0) throw new VideoError('unreadable_video', 'the video holds no frames');
  return estimateVideo(trace, options, { name: path.basename(input), width: video.width, height: video.height }, performance.now() - started);
}
