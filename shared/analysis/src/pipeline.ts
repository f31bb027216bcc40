/**
 * Image bytes -> face observation -> trace sample, one frame of a session's stream at a time.
 * The workers and the benchmarks both run frames through this class; the tracking state it
 * takes and returns is what the workers keep in Redis between batches.
 */
import {
  DEFAULT_TRACKER,
  FaceDetector,
  FaceTracker,
  type Box,
  type FrameObservation,
  type Polygon,
  type RegionName,
  type RgbImage,
  type TrackerOptions,
  type TrackState,
} from '@pulsecam/vision';
import type { WorkerConfig } from '@pulsecam/config';
import type { TraceSample } from '@pulsecam/store';
import { decodePixels, readImageHeader, type DecodeLimits } from './decode.ts';

export interface FrameOutcome {
  observation: FrameObservation;
  sample: TraceSample | null;
  /** Size of the image as sent, and the factor that maps analysis pixels back to it. */
  source: { width: number; height: number; scale: number };
  timings: { decodeMs: number; visionMs: number };
  /** Tracking state to pass with the session's next frame. */
  state: TrackState;
}

export class FramePipeline {
  private readonly tracker: FaceTracker;

  constructor(
    detector: FaceDetector,
    private readonly limits: DecodeLimits,
    trackerOptions: TrackerOptions = DEFAULT_TRACKER,
  ) {
    this.tracker = new FaceTracker(detector, trackerOptions);
  }

  async process(bytes: Buffer, timestampMs: number, state: TrackState | null): Promise<FrameOutcome> {
    const t0 = performance.now();
    const header = await readImageHeader(bytes, this.limits);
    const format = `${header.width}x${header.height}`;
    // While the face search backs off, a frame's pixels are not needed: its header is enough.
    const image = this.tracker.wantsPixels(state?.format === format ? state : null) ? await decodePixels(bytes, header, this.limits) : null;
    const decodeMs = performance.now() - t0;
    return this.analyze(image, header, timestampMs, state, decodeMs);
  }

  /**
   * A frame already decoded to pixels at the analysis size (a video's frames come this way from
   * ffmpeg): `source` is the size of the frame as recorded.
   */
  analyzePixels(image: RgbImage, source: { width: number; height: number }, timestampMs: number, state: TrackState | null): Promise<FrameOutcome> {
    return this.analyze(image, source, timestampMs, state, 0);
  }

  private async analyze(
    image: RgbImage | null,
    source: { width: number; height: number },
    timestampMs: number,
    state: TrackState | null,
    decodeMs: number,
  ): Promise<FrameOutcome> {
    const t1 = performance.now();
    const step = await this.tracker.step(image, timestampMs, state, `${source.width}x${source.height}`);
    const visionMs = performance.now() - t1;
    const scale = image ? source.width / image.width : 1;
    const face = step.observation.face;
    const sample: TraceSample | null =
      face && face.skin.pixels > 0
        ? {
            t: timestampMs,
            skin: [face.skin.r, face.skin.g, face.skin.b],
            regions: [
              [face.regions.forehead.r, face.regions.forehead.g, face.regions.forehead.b],
              [face.regions.left_cheek.r, face.regions.left_cheek.g, face.regions.left_cheek.b],
              [face.regions.right_cheek.r, face.regions.right_cheek.g, face.regions.right_cheek.b],
            ],
            pixels: [face.regions.forehead.pixels, face.regions.left_cheek.pixels, face.regions.right_cheek.pixels],
            background: [face.background.r, face.background.g, face.background.b],
            pose: [face.pose.cx * scale, face.pose.cy * scale, face.pose.eyeDistance * scale, face.pose.roll],
          }
        : null;
    return {
      observation: step.observation,
      sample,
      source: { width: source.width, height: source.height, scale },
      timings: { decodeMs, visionMs },
      state: step.state,
    };
  }
}

/** The face models with the worker's settings (loaded once per process). */
export function detectorFromConfig(config: WorkerConfig): Promise<FaceDetector> {
  return FaceDetector.load({
    backend: config.TF_BACKEND,
    inputSize: config.DETECTOR_INPUT_SIZE,
    minScore: config.MIN_FACE_SCORE,
    threads: config.TF_THREADS,
    landmarkModel: config.LANDMARK_MODEL,
  });
}

/** The pipeline with the worker's settings (the workers, the CLI and the benchmarks share them). */
export function pipelineFromConfig(detector: FaceDetector, config: WorkerConfig): FramePipeline {
  return new FramePipeline(
    detector,
    { maxPixels: config.MAX_IMAGE_PIXELS, maxSide: config.ANALYSIS_MAX_SIDE, minSide: config.MIN_IMAGE_SIDE, maxAspect: config.MAX_IMAGE_ASPECT },
    { ...DEFAULT_TRACKER, checkEveryFrames: config.TRACK_CHECK_EVERY_FRAMES, maxSearchWait: config.FACE_SEARCH_MAX_WAIT },
  );
}

/** A box from analysis pixels back to the submitted image's pixels. */
export function toSourceBox(box: Box, scale: number): Box {
  const r = (v: number) => Math.round(v * scale * 10) / 10;
  return { x: r(box.x), y: r(box.y), width: r(box.width), height: r(box.height) };
}

/** Region polygons in the submitted image's pixels, rounded, as [x, y] pairs. */
export function sourceRegions(polygons: Record<RegionName, Polygon>, scale: number): Record<RegionName, [number, number][]> {
  const map = (poly: Polygon) => poly.map((p) => [Math.round(p.x * scale), Math.round(p.y * scale)] as [number, number]);
  return { forehead: map(polygons.forehead), left_cheek: map(polygons.left_cheek), right_cheek: map(polygons.right_cheek) };
}
