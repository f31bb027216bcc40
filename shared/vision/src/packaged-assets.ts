/**
 * The files a browser needs to run this package (Node only): the weights of the networks Pulsecam
 * uses, from @vladmandic/face-api's package, and the wasm binaries of @tensorflow/tfjs-backend-wasm.
 * The gateway serves exactly these, so the page needs no CDN.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The folder of model weights shipped inside the face-api npm package. */
export function packagedModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** The folder of the wasm binaries shipped inside @tensorflow/tfjs-backend-wasm (with a trailing separator). */
export function packagedWasmDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/** Weight files of the detector and both landmark models (manifest + shard each). */
export const BROWSER_MODEL_FILES = [
  'tiny_face_detector_model-weights_manifest.json',
  'tiny_face_detector_model.bin',
  'face_landmark_68_model-weights_manifest.json',
  'face_landmark_68_model.bin',
  'face_landmark_68_tiny_model-weights_manifest.json',
  'face_landmark_68_tiny_model.bin',
] as const;

/** The wasm backend's binaries: plain, SIMD, and threaded SIMD (tfjs picks what the browser supports). */
export const BROWSER_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
