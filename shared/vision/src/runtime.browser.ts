/**
 * The vision runtime in a browser (the page's private mode): face-api's ES module build on the
 * page's own @tensorflow/tfjs, WebGL where the browser has a GPU for it and wasm otherwise, with the weights
 * and the wasm binaries fetched from the Pulsecam gateway (which serves them from the npm packages:
 * no CDN).
 */
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { firstWorkingBackend, type FaceApiModule, type VisionRuntime } from './runtime.ts';

/** Where the gateway serves the packaged assets (see services/gateway/src/routes/vision-assets.route.ts). */
export const DEFAULT_MODEL_URL = '/vision/models/';
export const DEFAULT_WASM_URL = '/vision/wasm/';

/**
 * The WebGL renderer's name when it draws in software (SwiftShader, llvmpipe: machines without a
 * GPU, or with it disabled), else null. There WebGL runs the models several times slower than wasm.
 */
export function softwareWebglRenderer(): string | null {
  const canvas = document.createElement('canvas');
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) ? renderer : null;
}

export const runtime: VisionRuntime = {
  faceApi: () => faceapi as unknown as FaceApiModule,
  useBackend(preference, { threads, assets }) {
    return firstWorkingBackend(faceapi.tf as never, preference, (backend) => {
      if (backend === 'webgl') {
        const software = softwareWebglRenderer();
        if (software) throw new Error(`WebGL renders in software here (${software}): slower than wasm`);
      }
      if (backend !== 'wasm') return;
      setWasmPaths(assets ?? DEFAULT_WASM_URL);
      if (threads > 0) setThreadsCount(threads);
    });
  },
  async loadNets(names, source = DEFAULT_MODEL_URL) {
    for (const name of names) await faceapi.nets[name].loadFromUri(source);
  },
};
