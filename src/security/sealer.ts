// Authenticated encryption (AES-256-GCM) for secrets that must wait in the store for a moment: a PIN
// waiting to be revealed, a typed PIN waiting for a picker choice. The associated data binds each
// sealed value to its row, so a value copied onto another row does not open. After a key rotation,
// values sealed with a previous key (PIN_SEAL_KEYS_PREVIOUS) still open until they expire.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SealOpenError extends Error {
  constructor() {
    super('sealed value does not open');
  }
}

export class Sealer {
  private readonly keys: readonly Buffer[];

  /** Seals with `key`; opens with it or, after a rotation, with a previous key (PIN_SEAL_KEYS_PREVIOUS). */
  constructor(
    private readonly key: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    if (key.length !== 32 || previous.some((k) => k.length !== 32)) throw new Error('sealing keys must be 32 bytes');
    this.keys = [key, ...previous.filter((k) => !k.equals(key))];
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, associatedData: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new SealOpenError();
    // GCM authenticates: a wrong key fails to open rather than giving garbage, so each key can be tried.
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // not this key
      }
    }
    throw new SealOpenError();
  }
}
