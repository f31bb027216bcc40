import { runtime } from '#runtime';
import type { NetName, TensorBackend } from './runtime.ts';
import { cropImage } from './image.ts';
import type { Box, DetectedFace, Point, RgbImage } from './types.ts';

export interface FaceDetectorOptions {
  /** The backend, or backends to try in order (the first that initialises is used). */
  backend: TensorBackend | TensorBackend[];
  /** Tiny face detector input size (multiple of 32). Smaller is faster and misses small faces. */
  inputSize: number;
  /** Detections scoring below this are ignored. */
  minScore: number;
  /** face-api's 68-landmark model: "full" (350 kB, steadier) or "tiny" (80 kB, faster). Default full. */
  landmarkModel?: LandmarkModel;
  /** wasm backend threads; 0 lets tfjs decide. */
  threads?: number;
  /** Where the weights are: a folder in Node, a URL in the browser (default: the packaged ones). */
  modelSource?: string;
  /** Where the wasm binaries are: a folder in Node, a URL in the browser (default: the packaged ones). */
  wasmSource?: string;
}

/**
 * Face detection + 68 landmarks. Create once per process with `FaceDetector.load()`: it loads the
 * weights from the face-api package, selects the TensorFlow.js backend and runs one warm-up pass.
 */
export type LandmarkModel = 'full' | 'tiny';

export class FaceDetector {
  private constructor(
    private readonly options: FaceDetectorOptions,
    /** The backend in use. */
    readonly backend: TensorBackend,
  ) {}

  static async load(options: FaceDetectorOptions): Promise<FaceDetector> {
    if (options.inputSize % 32 !== 0 || options.inputSize < 128) {
      throw new Error(`face detector input size must be a multiple of 32 and >= 128, got ${options.inputSize}`);
    }
    const preference = Array.isArray(options.backend) ? options.backend : [options.backend];
    const backend = await runtime.useBackend(preference, { threads: options.threads ?? 0, assets: options.wasmSource });
    const nets: NetName[] = ['tinyFaceDetector', options.landmarkModel === 'tiny' ? 'faceLandmark68TinyNet' : 'faceLandmark68Net'];
    await runtime.loadNets(nets, options.modelSource);
    const detector = new FaceDetector(options, backend);
    await detector.detect({ data: new Uint8Array(160 * 160 * 3).fill(128), width: 160, height: 160 });
    return detector;
  }

  /** The detector's default input size (pixels of the longer side it looks at). */
  get inputSize(): number {
    return this.options.inputSize;
  }

  /** Number of bytes held by TensorFlow.js; stable across calls when nothing leaks. */
  tensorMemory(): { numTensors: number; numBytes: number } {
    const mem = (runtime.faceApi().tf as unknown as { memory(): { numTensors: number; numBytes: number } }).memory();
    return { numTensors: mem.numTensors, numBytes: mem.numBytes };
  }

  /**
   * The 68 landmarks of the face inside `roi` (clipped to the image), without running the
   * detector: the tracking path. Points are in image pixels. Null when the region is too small.
   */
  async landmarks(image: RgbImage, roi: Box): Promise<Point[] | null> {
    const x0 = Math.max(0, Math.round(roi.x));
    const y0 = Math.max(0, Math.round(roi.y));
    const x1 = Math.min(image.width, Math.round(roi.x + roi.width));
    const y1 = Math.min(image.height, Math.round(roi.y + roi.height));
    if (x1 - x0 < 16 || y1 - y0 < 16) return null;
    const crop = cropImage(image, x0, y0, x1 - x0, y1 - y0);
    const api = runtime.faceApi();
    const input = api.tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
    try {
      const net = this.options.landmarkModel === 'tiny' ? api.nets.faceLandmark68TinyNet : api.nets.faceLandmark68Net;
      const result = (await net.detectLandmarks(input as never)) as { positions: Point[] };
      return result.positions.map((p) => ({ x: p.x + x0, y: p.y + y0 }));
    } finally {
      input.dispose();
    }
  }

  /** All faces in the image, largest first. `inputSize` overrides the detector's default for this call. */
  async detect(image: RgbImage, inputSize = this.options.inputSize): Promise<DetectedFace[]> {
    const api = runtime.faceApi();
    const input = api.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const options = new api.TinyFaceDetectorOptions({
        inputSize,
        scoreThreshold: this.options.minScore,
      });
      const results = await api.detectAllFaces(input as never, options).withFaceLandmarks(this.options.landmarkModel === 'tiny');
      return results
        .map((r) => ({
          box: {
            x: r.detection.box.x,
            y: r.detection.box.y,
            width: r.detection.box.width,
            height: r.detection.box.height,
          },
          score: r.detection.score,
          landmarks: r.landmarks.positions.map((p) => ({ x: p.x, y: p.y })),
        }))
        .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    } finally {
      input.dispose();
    }
  }
}
