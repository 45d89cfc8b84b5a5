// Stored PINs are keyed hashes: HMAC-SHA256 with a key kept outside the database, bound to the
// user so equal PINs of two users do not look alike. A stolen database alone cannot be brute-forced.
// Rotation: PINs are hashed with the current key; hashes made with a previous key (listed in
// PIN_HASH_KEYS_PREVIOUS) still match, and a PIN is re-hashed with the current key when next set (or
// verified).
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HashMatch = 'current' | 'previous' | false;

export class PinHasher {
  private readonly previous: readonly Buffer[];

  constructor(
    private readonly key: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    if (key.length < 32) throw new Error('PIN hashing key must be at least 32 bytes');
    if (previous.some((k) => k.length < 32)) throw new Error('previous PIN hashing keys must be at least 32 bytes');
    this.previous = previous.filter((k) => !k.equals(key));
  }

  /** The hash under the current key. */
  hash(userId: string, pin: string): string {
    return hashWith(this.key, userId, pin);
  }

  /** Constant-time comparison against a stored hash, under the current key or a previous one. */
  matches(userId: string, pin: string, stored: string): boolean {
    return this.match(userId, pin, stored) !== false;
  }

  /**
   * Which key the stored hash was made with, if the PIN is right. Every key is tried whatever the
   * outcome, so the time taken does not depend on which (if any) matched.
   */
  match(userId: string, pin: string, stored: string): HashMatch {
    const expected = Buffer.from(stored);
    const same = (key: Buffer) => {
      const candidate = Buffer.from(hashWith(key, userId, pin));
      return candidate.length === expected.length && timingSafeEqual(candidate, expected);
    };
    const current = same(this.key);
    const previous = this.previous.map(same).some(Boolean);
    return current ? 'current' : previous ? 'previous' : false;
  }
}

function hashWith(key: Buffer, userId: string, pin: string): string {
  return createHmac('sha256', key).update(userId).update('\0').update(pin).digest('base64url');
}
