/**
 * Secrets handed to clients (session tokens, API keys): 256 random bits, shown once, stored only
 * as their SHA-256. A salt or a slow hash adds nothing for secrets this long (no dictionary to
 * try); comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;

/** A new secret: `<kind>_` followed by 43 base64url characters (256 bits). */
export function newSecret(kind: 'pst' | 'pk' | 'pjt'): string {
  return `${kind}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `secret` hashes to `storedHash` (constant-time; false for a missing side). */
export function secretMatches(secret: string | undefined, storedHash: string | undefined): boolean {
  if (!secret || !storedHash || storedHash.length !== 64) return false;
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(storedHash, 'hex'));
}
