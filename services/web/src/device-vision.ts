/**
 * Private mode's analysis: the camera image measured on this device by Pulsecam's own vision code
 * (@pulsecam/vision: the detector, tracker, steadied landmarks, skin regions and statistics the
 * workers run) and turned into the samples the service stores (@pulsecam/analysis/frame). Loaded
 * on demand: it brings TensorFlow.js and fetches the face models from the gateway.
 */
import { traceSampleOf, sourceRegions, toSourceBox } from '@pulsecam/analysis/frame';
import { richSampleOf, type RichSample } from '@pulsecam/contracts';
import { DEFAULT_TRACKER, FaceDetector, FaceTracker, type TensorBackend, type TrackState } from '@pulsecam/vision';
import type { AnalysisSettings, BatchItem } from './api.ts';

/** The size frames are analysed at: the size frames mode sends, so both modes see the same pixels. */
export const ANALYSIS_SIDE = 360;

export interface DeviceFrame {
  sample: RichSample;
  /** The face as the overlay draws it (frame pixels). */
  item: BatchItem;
  width: number;
  height: number;
  /** What analysing it cost on this device. */
  ms: number;
}

export class DeviceAnalyzer {
  private state: TrackState | null = null;
  private readonly canvas = document.createElement('canvas');

  private constructor(
    private readonly detector: FaceDetector,
    private readonly tracker: FaceTracker,
  ) {}

  /** Loads the models with the service's settings: WebGL where the browser has it, wasm otherwise. */
  static async load(settings: AnalysisSettings, backends: TensorBackend[] = ['webgl', 'wasm']): Promise<DeviceAnalyzer> {
    const detector = await FaceDetector.load({
      backend: backends,
      inputSize: settings.detector_input_size,
      minScore: settings.min_face_score,
      landmarkModel: settings.landmark_model,
    });
    const tracker = new FaceTracker(detector, {
      ...DEFAULT_TRACKER,
      checkEveryFrames: settings.track_check_every_frames,
      maxSearchWait: settings.face_search_max_wait,
    });
    return new DeviceAnalyzer(detector, tracker);
  }

  get backend(): TensorBackend {
    return this.detector.backend;
  }

  /** Starts a new stream (a new session): the tracker forgets the face it followed. */
  reset(): void {
    this.state = null;
  }

  /**
   * The video's current frame, measured; null while the video has no frame yet. `capturedAt`: when
   * the camera captured it (ms since the epoch), where the browser says; otherwise now.
   */
  async analyze(video: HTMLVideoElement, capturedAt?: number): Promise<DeviceFrame | null> {
    const { videoWidth: w, videoHeight: h } = video;
    if (!w || !h || video.readyState < 2) return null;
    const started = performance.now();
    const scale = Math.min(1, ANALYSIS_SIDE / Math.max(w, h));
    const width = Math.round(w * scale);
    const height = Math.round(h * scale);
    if (this.canvas.width !== width || this.canvas.height !== height) Object.assign(this.canvas, { width, height });
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(video, 0, 0, width, height);
    const t = capturedAt ?? performance.timeOrigin + performance.now();
    const format = `${width}x${height}`;
    // As on the workers: while the face search backs off, the frame's pixels are not read.
    const image = this.tracker.wantsPixels(this.state?.format === format ? this.state : null) ? rgbPixels(ctx.getImageData(0, 0, width, height)) : null;
    const step = await this.tracker.step(image, t, this.state, format);
    this.state = step.state;
    const observation = step.observation;
    const trace = traceSampleOf(observation, t, 1);
    const face = observation.face;
    return {
      sample: trace ? richSampleOf(trace) : { timestamp: t, face: false },
      item: {
        face_detected: face !== null,
        face_box: face ? toSourceBox(face.box, 1) : null,
        regions: face ? sourceRegions(face.polygons, 1) : null,
        guidance: observation.guidance,
      },
      width,
      height,
      ms: performance.now() - started,
    };
  }
}

/** RGBA canvas pixels as the packed RGB the vision code reads. */
function rgbPixels(data: ImageData): { data: Uint8Array; width: number; height: number } {
  const rgba = data.data;
  const rgb = new Uint8Array(data.width * data.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return { data: rgb, width: data.width, height: data.height };
}
