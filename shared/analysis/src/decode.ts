/**
 * Image bytes to RGB pixels with sharp. The pixel limit is checked from the header before any
 * decoding (no decompression bombs), and frames are downscaled to a working size.
 */
import sharp, { type Metadata } from 'sharp';
import type { RgbImage } from '@pulsecam/vision';
import { decodeAtAnalysisSize } from '@pulsecam/video';

/**
 * An image the client sent cannot be used. `message` is for the client; the decoder's own text
 * (libvips internals) is kept in `decoderDetail` for the worker's log and never returned.
 */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly code: 'invalid_image' | 'image_too_large',
    message: string,
    readonly decoderDetail?: string,
  ) {
    super(message);
  }
}

export interface DecodeLimits {
  maxPixels: number;
  /** Analysis size: the longer side after downscaling. */
  maxSide: number;
  /** Images whose shorter side is below this cannot hold a measurable face. */
  minSide: number;
  /** Images longer than this many times their width (or wider than tall) cannot either. */
  maxAspect: number;
}

const SUPPORTED = new Set(['jpeg', 'png', 'webp']);

export interface ImageHeader {
  format: string;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
}

/** Reads and checks the header only: format and pixel count, before any pixel is decoded. */
export async function readImageHeader(bytes: Buffer, limits: DecodeLimits): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (err) {
    throw new ImageDecodeError('invalid_image', 'not a readable image: send a JPEG, PNG or WebP file', (err as Error).message);
  }
  if (!meta.format || !SUPPORTED.has(meta.format)) {
    throw new ImageDecodeError('invalid_image', `unsupported image format "${meta.format ?? 'unknown'}": send JPEG, PNG or WebP`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > limits.maxPixels) {
    throw new ImageDecodeError('image_too_large', `image has ${width}x${height} pixels; the limit is ${limits.maxPixels}`);
  }
  if (Math.min(width, height) < limits.minSide || Math.max(width, height) > limits.maxAspect * Math.min(width, height)) {
    throw new ImageDecodeError(
      'invalid_image',
      `image is ${width}x${height}: too small or too narrow to hold a face (shorter side at least ${limits.minSide} px, sides at most ${limits.maxAspect}:1)`,
    );
  }
  return { format: meta.format, width, height };
}

/**
 * RGB pixels at the analysis size (longer side at most maxSide). sharp shrinks JPEGs while
 * decoding them (shrink-on-load), so a large frame costs little more than a small one.
 */
export async function decodePixels(bytes: Buffer, header: ImageHeader, limits: DecodeLimits): Promise<RgbImage> {
  try {
    return await decodeAtAnalysisSize(bytes, limits.maxSide, { limitInputPixels: limits.maxPixels, failOn: 'error' });
  } catch (err) {
    throw new ImageDecodeError('invalid_image', 'the image could not be decoded (truncated or corrupt?)', (err as Error).message);
  }
}
