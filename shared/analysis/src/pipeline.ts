/**
 * Image bytes -> face observation -> trace sample, one frame of a session's stream at a time.
 * The workers and the benchmarks both run frames through this class; the tracking state it
 * takes and returns is what the workers keep in Redis between batches.
 */
import { DEFAULT_TRACKER, FaceDetector, FaceTracker, type FrameObservation, type RgbImage, type TrackerOptions, type TrackState } from '@pulsecam/vision';
import type { WorkerConfig } from '@pulsecam/config';
import type { TraceSample } from '@pulsecam/store';
import { traceSampleOf } from './frame-sample.ts';
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
    const sample = traceSampleOf(step.observation, timestampMs, scale);
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
