// Stored PINs are keyed hashes: HMAC-SHA256 with a key kept outside the database, bound to the
// user so equal PINs of two users do not look alike. A stolen database alone cannot be brute-forced.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class PinHasher {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('PIN hashing key must be at least 32 bytes');
  }

  hash(userId: string, pin: string): string {
    return createHmac('sha256', this.key).update(userId).update('\0').update(pin).digest('base64url');
  }

  /** Constant-time comparison against a stored hash. */
  matches(userId: string, pin: string, stored: string): boolean {
    const candidate = Buffer.from(this.hash(userId, pin));
    const expected = Buffer.from(stored);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  }
}
