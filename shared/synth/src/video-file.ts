/**
 * Writes a synthetic clip as a real video file, encoded by the given ffmpeg: frames rendered at
 * a constant rate and piped raw, so tests and fixtures can feed the video path exactly as a
 * user's recording would (container, codec, compression and all).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SceneRenderer } from './scene.ts';

export interface EncodeOptions {
  /** Encoder arguments, e.g. ['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p']. */
  codec: string[];
  /** Extra output arguments placed before the file name (filters, -vsync …). */
  output?: string[];
}

export async function encodeVideo(ffmpeg: string, file: string, renderer: SceneRenderer, options: EncodeOptions): Promise<void> {
  const { width, height, fps, durationSeconds } = renderer.spec;
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0'];
  const child = spawn(ffmpeg, [...args, ...options.codec, ...(options.output ?? []), file], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const frames = Math.round(durationSeconds * fps);
  for (let i = 0; i < frames; i++) {
    if (!child.stdin.write(renderer.renderRaw(i / fps))) await Promise.race([once(child.stdin, 'drain'), closed]);
    if (child.exitCode !== null) break;
  }
  child.stdin.end();
  const code = await closed;
  if (code !== 0) throw new Error(`ffmpeg could not encode ${file}: ${stderr.trim().slice(-500)}`);
}
