/**
 * A folder of numbered images (001.png, frame_0002.jpg, Image1392643993642815000.png …) as a
 * video: files in natural order, decoded with sharp at the analysis size, timed by a frame rate
 * or by timestamps the caller knows (a data set's own clock).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type SharpOptions } from 'sharp';
import { VideoError } from './ffmpeg.ts';
import type { VideoFrame } from './frames.ts';

const IMAGE = /\.(png|jpe?g|webp|bmp|tiff?)$/i;

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare;

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** The image files of a folder in natural (numeric-aware) order. */
export async function listFrameFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => IMAGE.test(n)).sort(naturalOrder);
  if (names.length === 0) throw new VideoError('unreadable_video', `no images (png, jpg, webp, bmp, tif) in ${dir}`);
  return names.map((n) => path.join(dir, n));
}

/** The displayed size of an image file, from its header. */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  try {
    const meta = await sharp(file).metadata();
    return { width: meta.autoOrient?.width ?? meta.width ?? 0, height: meta.autoOrient?.height ?? meta.height ?? 0 };
  } catch (err) {
    throw new VideoError('unreadable_video', `cannot read image ${path.basename(file)}`, (err as Error).message);
  }
}

/**
 * An image (bytes or a file) as RGB pixels, upright, its longer side at most `maxSide`: the
 * analysis size. JPEGs shrink while they decode (shrink-on-load). Frames from a folder, and
 * frames the service receives, are decoded by this one chain.
 */
export async function decodeAtAnalysisSize(
  input: Buffer | string,
  maxSide: number,
  sharpOptions: SharpOptions = {},
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(input, sharpOptions)
    .autoOrient()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export interface FolderFramesOptions {
  maxSide: number;
  /** Frame times in ms, one per file; otherwise from `fps`. */
  timesMs?: readonly number[];
  fps?: number;
  signal?: AbortSignal;
}

export async function* readFolderFrames(files: readonly string[], options: FolderFramesOptions): AsyncGenerator<VideoFrame> {
  if (!options.timesMs && !(options.fps && options.fps > 0)) throw new VideoError('unreadable_video', 'a folder of images needs a frame rate (--fps)');
  for (let index = 0; index < files.length; index++) {
    if (options.signal?.aborted) return;
    let decoded;
    try {
      decoded = await decodeAtAnalysisSize(files[index], options.maxSide);
    } catch (err) {
      throw new VideoError('unreadable_video', `cannot read image ${path.basename(files[index])}`, (err as Error).message);
    }
    const tMs = options.timesMs ? options.timesMs[index] : (index * 1000) / options.fps!;
    yield { index, tMs, ...decoded };
  }
}
