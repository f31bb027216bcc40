/**
 * The vision runtime in Node: @vladmandic/face-api's Node build that runs on plain
 * @tensorflow/tfjs (cpu) plus @tensorflow/tfjs-backend-wasm, weights read from the npm package.
 * tfjs-node is deliberately not used: its install downloads libtensorflow.
 */
import { createRequire } from 'node:module';
import { packagedModelDir, packagedWasmDir } from './packaged-assets.ts';
import { firstWorkingBackend, type FaceApiModule, type VisionRuntime } from './runtime.ts';

const require = createRequire(import.meta.url);

let faceapi: FaceApiModule | undefined;

function faceApi(): FaceApiModule {
  faceapi ??= require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  return faceapi;
}

export const runtime: VisionRuntime = {
  faceApi,
  useBackend(preference, { threads, assets }) {
    return firstWorkingBackend(faceApi().tf as never, preference, (backend) => {
      if (backend !== 'wasm') return;
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void; setThreadsCount(n: number): void };
      wasm.setWasmPaths(assets ?? packagedWasmDir());
      if (threads > 0) wasm.setThreadsCount(threads);
    });
  },
  async loadNets(names, source = packagedModelDir()) {
    for (const name of names) await faceApi().nets[name].loadFromDisk(source);
  },
};
