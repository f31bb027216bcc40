/**
 * Image bytes to RGB pixels with sharp. The pixel limit is checked from the header before any
 * decoding (no decompression bombs), and frames are downscaled to a working size.
 */
import sharp, { type Metadata } from 'sharp';
import type { RgbImage } from '@pulsecam/vision';

export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly code: 'invalid_image' | 'image_too_large',
    message: string,
  ) {
    super(message);
  }
}

export interface DecodeLimits {
  maxPixels: number;
  maxSide: number;
}

const SUPPORTED = new Set(['jpeg', 'png', 'webp']);

export async function decodeImage(bytes: Buffer, limits: DecodeLimits): Promise<RgbImage & { sourceWidth: number; sourceHeight: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (err) {
    throw new ImageDecodeError('invalid_image', `not a readable image (${(err as Error).message})`);
  }
  if (!meta.format || !SUPPORTED.has(meta.format)) {
    throw new ImageDecodeError('invalid_image', `unsupported image format "${meta.format ?? 'unknown'}": send JPEG, PNG or WebP`);
  }
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width * height > limits.maxPixels) {
    throw new ImageDecodeError('image_too_large', `image has ${width}x${height} pixels; the limit is ${limits.maxPixels}`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .autoOrient()
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      sourceWidth: width,
      sourceHeight: height,
    };
  } catch (err) {
    throw new ImageDecodeError('invalid_image', `image could not be decoded (${(err as Error).message})`);
  }
}
