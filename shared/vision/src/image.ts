import type { RgbImage } from './types.ts';

/** A copy of the pixels inside a rectangle (integer coordinates, inside the image). */
export function cropImage(image: RgbImage, x0: number, y0: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = ((y0 + y) * image.width + x0) * 3;
    data.set(image.data.subarray(src, src + width * 3), y * width * 3);
  }
  return { data, width, height };
}
