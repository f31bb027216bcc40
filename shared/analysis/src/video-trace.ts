/**
 * A recording's frames through the frame pipeline, in order, the tracking state carried from
 * frame to frame exactly as a live session's worker carries it between batches.
 */
import sharp from 'sharp';
import type { TraceSample } from '@pulsecam/store';
import type { TrackState } from '@pulsecam/vision';
import type { FramePipeline } from './pipeline.ts';
import { sourceRegions, toSourceBox } from './frame-sample.ts';

/** One decoded frame: pixels at the analysis size, and the size it was recorded at. */
export interface DecodedFrame {
  tMs: number;
  data: Uint8Array;
  width: number;
  height: number;
}

/** A frame kept for a report: a small JPEG and what was measured on it (in the JPEG's pixels). */
export interface Snapshot {
  tMs: number;
  jpeg: Buffer;
  width: number;
  height: number;
  face: { box: { x: number; y: number; width: number; height: number }; regions: Record<'forehead' | 'left_cheek' | 'right_cheek', [number, number][]> } | null;
}

/** What the vision pass leaves for the estimator: the trace, and the frame timeline around it. */
export interface FrameTrace {
  samples: TraceSample[];
  /** Capture times (ms) of every frame read. */
  frameTimes: number[];
  /** Capture times (ms) of frames analysed without a face. */
  noFaceTimes: number[];
  snapshots: Snapshot[];
}

export interface TraceOptions {
  /** Recorded frame size (for the tracker's format and for boxes); defaults to the decoded size. */
  source?: { width: number; height: number };
  /** Frames before this time (ms) warm the tracker up and are not kept (a segment's lead-in). */
  keepFromMs?: number;
  /** Keep a snapshot of the first frame at or after each of these times (ms). */
  snapshotsAtMs?: readonly number[];
  /** Longer side of the snapshots' JPEGs. */
  snapshotSide?: number;
  onFrame?: (framesDone: number, tMs: number) => void;
}

async function snapshotOf(frame: DecodedFrame, outcome: Awaited<ReturnType<FramePipeline['analyzePixels']>>, side: number): Promise<Snapshot> {
  const scale = Math.min(1, side / Math.max(frame.width, frame.height));
  const width = Math.round(frame.width * scale);
  const height = Math.round(frame.height * scale);
  const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize(width, height)
    .jpeg({ quality: 80 })
    .toBuffer();
  const face = outcome.observation.face;
  // Observation coordinates are in analysis pixels (the decoded frame); the snapshot is `scale` of that.
  return {
    tMs: frame.tMs,
    jpeg,
    width,
    height,
    face: face ? { box: toSourceBox(face.box, scale), regions: sourceRegions(face.polygons, scale) } : null,
  };
}

export async function traceFrames(frames: AsyncIterable<DecodedFrame>, pipeline: FramePipeline, options: TraceOptions = {}): Promise<FrameTrace> {
  const trace: FrameTrace = { samples: [], frameTimes: [], noFaceTimes: [], snapshots: [] };
  const wanted = [...(options.snapshotsAtMs ?? [])].sort((a, b) => a - b);
  const keepFrom = options.keepFromMs ?? Number.NEGATIVE_INFINITY;
  let state: TrackState | null = null;
  let done = 0;
  for await (const frame of frames) {
    const image = { data: frame.data, width: frame.width, height: frame.height };
    const outcome = await pipeline.analyzePixels(image, options.source ?? image, frame.tMs, state);
    state = outcome.state;
    done++;
    if (frame.tMs >= keepFrom) {
      trace.frameTimes.push(frame.tMs);
      if (outcome.sample) trace.samples.push(outcome.sample);
      else trace.noFaceTimes.push(frame.tMs);
      if (wanted.length > 0 && frame.tMs >= wanted[0]) {
        while (wanted.length > 0 && frame.tMs >= wanted[0]) wanted.shift();
        trace.snapshots.push(await snapshotOf(frame, outcome, options.snapshotSide ?? 360));
      }
    }
    options.onFrame?.(done, frame.tMs);
  }
  return trace;
}

/** Segments' traces as one, in time order (each segment keeps only its own frames). */
export function joinTraces(parts: readonly FrameTrace[]): FrameTrace {
  const byStart = [...parts].sort((a, b) => (a.frameTimes[0] ?? Infinity) - (b.frameTimes[0] ?? Infinity));
  return {
    samples: byStart.flatMap((p) => p.samples),
    frameTimes: byStart.flatMap((p) => p.frameTimes),
    noFaceTimes: byStart.flatMap((p) => p.noFaceTimes),
    snapshots: byStart.flatMap((p) => p.snapshots),
  };
}
