/** Synthetic video frames for tests, rendered once per process from the project's generator. */
import path from 'node:path';
import { FaceDetector } from '@pulsecam/vision';
import { loadFaceTemplate, meanHeartRate, scenario, SceneRenderer, type FaceTemplate } from '@pulsecam/synth';

export const PORTRAIT = path.resolve(import.meta.dirname, '../../fixtures/astronaut.png');

let template: Promise<FaceTemplate> | undefined;

export function portraitTemplate(): Promise<FaceTemplate> {
  template ??= FaceDetector.load({ backend: 'wasm', inputSize: 256, minScore: 0.5, threads: 1 }).then((d) => loadFaceTemplate(PORTRAIT, d));
  return template;
}

export interface SyntheticVideo {
  frames: { jpeg: Buffer; timestampMs: number }[];
  /** True mean heart rate over the last `windowSeconds`. */
  truthBpm: (windowSeconds: number) => number;
}

export async function renderScenario(name: string, seconds: number): Promise<SyntheticVideo> {
  const sc = scenario(name);
  const renderer = new SceneRenderer({ ...sc.spec, durationSeconds: seconds }, await portraitTemplate());
  const frames = [];
  for (let i = 0; i < renderer.times.length; i++) {
    const f = await renderer.renderFrame(i);
    frames.push({ jpeg: f.jpeg, timestampMs: f.timestampMs });
  }
  const end = renderer.times[renderer.times.length - 1];
  return { frames, truthBpm: (w) => meanHeartRate(renderer.physiology, end - w, end) };
}
