// Starting with the wrong key must not silently reject every right PIN (dial-in users would then
// lock themselves out). The store keeps a key check value of each key its data was written with
// (security/key-check.ts: a keyed fingerprint, never the key); at each start the current key must be
// one of them — or, for a deliberate rotation, a previous key listed in PIN_HASH_KEYS_PREVIOUS /
// PIN_SEAL_KEYS_PREVIOUS must be, and the current key is recorded too. Otherwise PinDesk refuses to
// start, naming the variable. A key no longer listed is forgotten, with a warning: PINs still
// hashed under it stop verifying until they are set again.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import { keyCheckValue, type KeyPurpose } from '../security/key-check.js';
import { inTransaction } from './sql/in-transaction.js';
import { SqlKeyChecks } from './sql/repositories/key-check-repository.js';
import type { Database } from './sql/schema.js';

export interface KeyInUse {
  purpose: KeyPurpose;
  /** The setting that holds it, and the one for its predecessors. */
  variable: 'PIN_HASH_KEY' | 'PIN_SEAL_KEY';
  previousVariable: 'PIN_HASH_KEYS_PREVIOUS' | 'PIN_SEAL_KEYS_PREVIOUS';
  current: Buffer;
  previous: readonly Buffer[];
  /** Where the current key came from: the variable, or the local secrets file. */
  source: string;
}

const CONSEQUENCE: Record<KeyPurpose, string> = {
  'pin-hash': 'every stored PIN would be rejected',
  seal: 'PINs waiting to be revealed would not open',
};

/**
 * Checks (and on first use records) the keys against the store; throws ConfigError naming the
 * variable. One transaction (one at a time across instances): two instances starting together on
 * an empty store with different keys cannot both find nothing recorded and both start.
 */
export function checkKeys(db: Kysely<Database>, keys: readonly KeyInUse[], where: string, log: Logger, now: Date): Promise<void> {
  return inTransaction(db, (tx) => checkKeysIn(new SqlKeyChecks(tx), keys, where, log, now));
}

async function checkKeysIn(checks: SqlKeyChecks, keys: readonly KeyInUse[], where: string, log: Logger, now: Date): Promise<void> {
  for (const key of keys) {
    const stored = await checks.stored(key.purpose);
    const current = keyCheckValue(key.current, key.purpose);
    const previous = key.previous.map((k) => keyCheckValue(k, key.purpose));
    if (stored.length === 0) {
      await checks.record(key.purpose, current, now);
      log.info({ purpose: key.purpose, variable: key.variable }, 'recorded the key check value of the key in use');
      continue;
    }
    if (!stored.includes(current)) {
      if (!previous.some((p) => stored.includes(p))) {
        const from = key.source === key.variable ? '' : ` (${key.variable} is not set: the key came from ${key.source})`;
        throw new ConfigError(
          `${key.variable}: not the key the data in ${where} was written with${from}: its key check does not match, so ${CONSEQUENCE[key.purpose]}. ` +
            `Set ${key.variable} back to that key; to change keys, set the new one and keep the old one in ${key.previousVariable}.`,
        );
      }
      await checks.record(key.purpose, current, now);
      log.warn({ purpose: key.purpose, variable: key.variable }, `key rotation: a new ${key.variable} is in use; keys in ${key.previousVariable} are still accepted`);
    }
    const retired = stored.filter((s) => s !== current && !previous.includes(s));
    if (retired.length > 0) {
      await checks.forget(key.purpose, retired);
      log.warn(
        { purpose: key.purpose, variable: key.previousVariable, retired: retired.length },
        `a key this data was written with is no longer in ${key.previousVariable}: what was hashed or sealed with it only works again once set anew`,
      );
    }
  }
}
