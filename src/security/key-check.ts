// A key check value: a keyed fingerprint that tells whether two keys are the same without revealing
// either (HMAC-SHA256 of a fixed text under the key). Stored with the data the key protects, it lets
// a start with another key refuse instead of silently rejecting every right PIN.
import { createHmac } from 'node:crypto';

export type KeyPurpose = 'pin-hash' | 'seal';

export function keyCheckValue(key: Buffer, purpose: KeyPurpose): string {
  return createHmac('sha256', key).update(`pindesk key check v1:${purpose}`).digest('base64url');
}
