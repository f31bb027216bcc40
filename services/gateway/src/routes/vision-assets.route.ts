/**
 * GET /vision/models/{file} and /vision/wasm/{file}: the face models' weights and TensorFlow.js's
 * wasm binaries, straight from the npm packages, for devices that run Pulsecam's vision code
 * themselves (the page's private mode). Only the listed files; they never change for an installed
 * version, so browsers may cache them for a day.
 */
import path from 'node:path';
import { Router, type Response } from 'express';
import { BROWSER_MODEL_FILES, BROWSER_WASM_FILES, packagedModelDir, packagedWasmDir } from '@pulsecam/vision/assets';
import { ApiError } from '../errors.ts';

const CACHE = 'public, max-age=86400';

function sendAsset(res: Response, dir: string, file: string, allowed: readonly string[], type: string): void {
  if (!allowed.includes(file)) throw new ApiError('not_found', `no such vision asset: ${file}`);
  res.setHeader('Cache-Control', CACHE);
  res.type(type).sendFile(path.join(dir, file));
}

export function visionAssetsRouter(): Router {
  const router = Router();
  const modelDir = packagedModelDir();
  const wasmDir = packagedWasmDir();
  router.get('/vision/models/:file', (req, res) => {
    const file = req.params.file;
    sendAsset(res, modelDir, file, BROWSER_MODEL_FILES, file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  });
  router.get('/vision/wasm/:file', (req, res) => sendAsset(res, wasmDir, req.params.file, BROWSER_WASM_FILES, 'application/wasm'));
  return router;
}
