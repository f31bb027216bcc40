/**
 * Synthetic recordings written in the public data sets' folder layouts (UBFC-rPPG DATASET_2 and
 * PURE), with the clip's own pulse as the contact reference, so the dataset readers and the
 * evaluation can be tested end to end without the real data.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { SceneRenderer } from './scene.ts';
import { encodeVideo } from './video-file.ts';

/** UBFC-rPPG: `<dir>/<subject>/vid.avi` (lossless FFV1 here) and `ground_truth.txt` (PPG, HR, time in s). */
export async function writeUbfcRecording(dir: string, subject: string, renderer: SceneRenderer, ffmpeg: string): Promise<void> {
  const folder = path.join(dir, subject);
  await mkdir(folder, { recursive: true });
  await encodeVideo(ffmpeg, path.join(folder, 'vid.avi'), renderer, { codec: ['-c:v', 'ffv1'] });
  const { fps, durationSeconds } = renderer.spec;
  const times = Array.from({ length: Math.round(durationSeconds * fps) }, (_, i) => i / fps);
  const line = (values: number[]) => values.map((v) => v.toExponential(7)).join('  ');
  const p = renderer.physiology;
  await writeFile(path.join(folder, 'ground_truth.txt'), [line(times.map((t) => p.pulse(t))), line(times.map((t) => p.heartRate(t))), line(times)].join('\n') + '\n');
}

/** PURE's clock origin in this fixture (ns since the epoch, as the real files' are). */
const PURE_ORIGIN_NS = 1_392_643_993_642_815_000;
/** The PURE oximeter's sampling rate. */
const PURE_OXIMETER_HZ = 60;

/**
 * PURE: `<dir>/<seq>/<seq>/Image<ns>.png` frames at the renderer's capture times (jitter and
 * all) and `<dir>/<seq>/<seq>.json` with the oximeter (waveform, pulse rate) at 60 Hz.
 */
export async function writePureRecording(dir: string, sequence: string, renderer: SceneRenderer): Promise<void> {
  const frames = path.join(dir, sequence, sequence);
  await mkdir(frames, { recursive: true });
  const { width, height, durationSeconds } = renderer.spec;
  const ns = (t: number) => PURE_ORIGIN_NS + Math.round(t * 1e6) * 1000;
  for (const t of renderer.times) {
    const png = await sharp(renderer.renderRaw(t), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
    await writeFile(path.join(frames, `Image${ns(t)}.png`), png);
  }
  const p = renderer.physiology;
  const oximeter = Array.from({ length: Math.floor(durationSeconds * PURE_OXIMETER_HZ) }, (_, i) => i / PURE_OXIMETER_HZ).map((t) => ({
    Timestamp: ns(t),
    Value: { waveform: Math.round(128 + 60 * p.pulse(t)), signalStrength: 4, pulseRate: Math.round(p.heartRate(t)), o2saturation: 98 },
  }));
  const json = { '/FullPackage': oximeter, '/Image': renderer.times.map((t) => ({ Timestamp: ns(t) })) };
  await writeFile(path.join(dir, sequence, `${sequence}.json`), JSON.stringify(json));
}
