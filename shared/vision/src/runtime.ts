/**
 * What the vision code needs from its surroundings: face-api's module on TensorFlow.js, a backend,
 * and the model weights. Node (workers, CLI, benchmarks) and the browser (the page's private mode)
 * load these differently; everything else in this package is the same code in both. The package's
 * `imports` map picks the loader: `#runtime` is runtime.browser.ts under the bundler's "browser"
 * condition and runtime.node.ts otherwise.
 */
import type * as FaceApi from '@vladmandic/face-api';

export type FaceApiModule = typeof FaceApi;
/** cpu and wasm run everywhere; webgl only in a browser with a GPU context. */
export type TensorBackend = 'wasm' | 'cpu' | 'webgl';

/** face-api's networks Pulsecam uses. */
export type NetName = 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceLandmark68TinyNet';

export interface VisionRuntime {
  /** The face-api module (loaded on first use). */
  faceApi(): FaceApiModule;
  /**
   * Selects the first backend of `preference` that initialises and returns its name.
   * `assets` is where the wasm binaries are (a folder in Node, a URL in the browser).
   */
  useBackend(preference: TensorBackend[], options: { threads: number; assets?: string }): Promise<TensorBackend>;
  /** Loads the networks' weights from `source` (a folder in Node, a URL in the browser) or the packaged ones. */
  loadNets(names: NetName[], source?: string): Promise<void>;
}

type Tf = {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
};

/** The first backend of `preference` that TensorFlow.js initialises (shared by both loaders). */
export async function firstWorkingBackend(tf: Tf, preference: TensorBackend[], prepare: (b: TensorBackend) => void): Promise<TensorBackend> {
  const failures: string[] = [];
  for (const backend of preference) {
    try {
      prepare(backend);
      const ok = await tf.setBackend(backend);
      await tf.ready();
      if (ok && tf.getBackend() === backend) return backend;
      failures.push(`${backend}: not available`);
    } catch (err) {
      failures.push(`${backend}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${failures.join('; ')})`);
}
