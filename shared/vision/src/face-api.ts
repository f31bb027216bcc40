/**
 * Loads @vladmandic/face-api's Node build that runs on plain @tensorflow/tfjs (cpu) plus
 * @tensorflow/tfjs-backend-wasm. tfjs-node is deliberately not used: its install downloads libtensorflow.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as FaceApi from '@vladmandic/face-api';

const require = createRequire(import.meta.url);

export type FaceApiModule = typeof FaceApi;
export type TensorBackend = 'wasm' | 'cpu';

let faceapi: FaceApiModule | undefined;

export function faceApiModule(): FaceApiModule {
  faceapi ??= require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  return faceapi;
}

/** The folder of model weights shipped inside the face-api npm package. */
export function packagedModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

function wasmBinaryDir(): string {
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

export async function selectBackend(backend: TensorBackend, threads: number): Promise<void> {
  const api = faceApiModule();
  const tf = api.tf as unknown as {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    getBackend(): string;
    wasm?: { setWasmPaths(p: string): void; setThreadsCount(n: number): void };
  };
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as {
      setWasmPaths(p: string): void;
      setThreadsCount(n: number): void;
    };
    wasm.setWasmPaths(wasmBinaryDir());
    if (threads > 0) wasm.setThreadsCount(threads);
  }
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) {
    throw new Error(`TensorFlow.js backend "${backend}" could not be initialised (active: ${tf.getBackend()})`);
  }
}
