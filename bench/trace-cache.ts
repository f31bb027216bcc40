/**
 * Extracts each scenario's colour trace once, through the worker's own FramePipeline (decode,
 * face + landmarks, regions, skin colour), and caches it on disk keyed by a hash of the
 * generator, the scenario and the vision code, so scoring methods never re-runs the vision.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerConfig } from '@pulsecam/config';
import type { TraceSample } from '@pulsecam/store';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CACHE_DIR = path.join(ROOT, 'bench', '.cache', 'traces');

export interface CachedTrace {
  scenario: string;
  frames: number;
  faceFrames: number;
  /** Capture times (ms) of every frame, with or without a face. */
  frameTimes: number[];
  samples: TraceSample[];
  extractMs: number;
}

function hashTree(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'test') continue;
    if (name.endsWith('.ts')) hash.update(name).update(readFileSync(full));
    else if (!name.includes('.')) {
      try {
        hashTree(full, hash);
      } catch {
        // not a directory
      }
    }
  }
}

/**
 * Changes whenever the generator, the vision code, the worker's frame pipeline, the vision
 * settings or the fixture change (not when only the signal processing changes).
 */
export function codeVersion(visionSettings: Record<string, unknown>): string {
  const h = createHash('sha256');
  for (const dir of ['shared/synth/src', 'shared/vision/src']) hashTree(path.join(ROOT, dir), h);
  for (const file of ['shared/analysis/src/pipeline.ts', 'shared/analysis/src/decode.ts', 'shared/analysis/src/video-trace.ts', 'shared/video/src/frames.ts', 'bench/extract-traces.ts', 'bench/render-trace.ts']) h.update(readFileSync(path.join(ROOT, file)));
  h.update(JSON.stringify(visionSettings));
  h.update(readFileSync(path.join(ROOT, 'fixtures', 'astronaut.png')));
  return h.digest('hex').slice(0, 12);
}

export function visionSettings(config: WorkerConfig) {
  const { TF_BACKEND, DETECTOR_INPUT_SIZE, MIN_FACE_SCORE, ANALYSIS_MAX_SIDE, MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE, MAX_IMAGE_ASPECT, TRACK_CHECK_EVERY_FRAMES, FACE_SEARCH_MAX_WAIT, LANDMARK_MODEL } = config;
  return { LANDMARK_MODEL, TF_BACKEND, DETECTOR_INPUT_SIZE, MIN_FACE_SCORE, ANALYSIS_MAX_SIDE, MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE, MAX_IMAGE_ASPECT, TRACK_CHECK_EVERY_FRAMES, FACE_SEARCH_MAX_WAIT };
}

export function cachePath(scenario: string, version: string): string {
  return path.join(CACHE_DIR, `${scenario}-${version}.json`);
}

export function readCached(scenario: string, version: string): CachedTrace | null {
  const file = cachePath(scenario, version);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CachedTrace) : null;
}

export function writeCached(trace: CachedTrace, version: string): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cachePath(trace.scenario, version), JSON.stringify(trace));
}
