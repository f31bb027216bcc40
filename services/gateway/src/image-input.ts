/**
 * Checks image data before it is queued: base64 (optionally a data: URL), a size limit on the
 * decoded bytes, and a known file signature. Decoding itself happens in the workers.
 */
import { ApiError } from './errors.ts';

const DATA_URL = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export type ImageKind = 'jpeg' | 'png' | 'webp';

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (
    bytes.length >= 12 &&
    String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP'
  ) {
    return 'webp';
  }
  return null;
}

/** Returns canonical base64 of a valid image, or throws a field-specific ApiError. */
export function checkBase64Image(value: string, field: string, maxBytes: number): string {
  let b64 = value.trim();
  const prefix = DATA_URL.exec(b64);
  if (prefix) b64 = b64.slice(prefix[0].length);
  b64 = b64.replace(/\s+/g, '');
  if (b64.length === 0 || !BASE64.test(b64)) {
    throw new ApiError('validation_failed', 'image data is not valid base64', [{ field, message: 'not valid base64' }]);
  }
  const approxBytes = Math.floor((b64.length * 3) / 4);
  if (approxBytes > maxBytes) {
    throw new ApiError('image_too_large', `image is about ${approxBytes} bytes; the limit is ${maxBytes}`, [
      { field, message: `larger than ${maxBytes} bytes` },
    ]);
  }
  const bytes = Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64');
  return checkImageBytes(bytes, field, maxBytes).toString('base64');
}

export function checkImageBytes(bytes: Buffer, field: string, maxBytes: number): Buffer {
  if (bytes.length > maxBytes) {
    throw new ApiError('image_too_large', `image is ${bytes.length} bytes; the limit is ${maxBytes}`, [
      { field, message: `larger than ${maxBytes} bytes` },
    ]);
  }
  if (!sniffImage(bytes)) {
    throw new ApiError('invalid_image', 'image data is not a JPEG, PNG or WebP file', [
      { field, message: 'not a JPEG, PNG or WebP image' },
    ]);
  }
  return bytes;
}
