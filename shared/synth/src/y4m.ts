/**
 * Writes a synthetic video as a raw YUV4MPEG2 (4:2:0) file: the format Chromium's fake camera
 * (--use-file-for-fake-video-capture) plays, looping, as if it came from a webcam.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SceneRenderer } from './scene.ts';

export function rgbToI420(rgb: Uint8Array, width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height * 1.5);
  const uOffset = width * height;
  const vOffset = uOffset + (width / 2) * (height / 2);
  for (let i = 0; i < width * height; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    out[i] = Math.max(0, Math.min(255, Math.round(0.299 * r + 0.587 * g + 0.114 * b)));
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const o = ((y + dy) * width + x + dx) * 3;
        r += rgb[o];
        g += rgb[o + 1];
        b += rgb[o + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const c = (y / 2) * (width / 2) + x / 2;
      out[uOffset + c] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
      out[vOffset + c] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
    }
  }
  return out;
}

/** Renders every frame of the scene (regular timing) into a .y4m file. */
export async function writeY4m(file: string, renderer: SceneRenderer): Promise<void> {
  const { width, height, fps, durationSeconds } = renderer.spec;
  if (width % 2 || height % 2) throw new RangeError('y4m 4:2:0 needs even width and height');
  const out = createWriteStream(file);
  out.write(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frames = Math.round(durationSeconds * fps);
  for (let i = 0; i < frames; i++) {
    const frame = Buffer.concat([Buffer.from('FRAME\n'), rgbToI420(renderer.renderRaw(i / fps), width, height)]);
    if (!out.write(frame)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
