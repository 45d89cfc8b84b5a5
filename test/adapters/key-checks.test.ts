// The store remembers which keys its data was written with (key check values, never the keys): a
// start with another key refuses, naming the variable; a listed previous key makes it a rotation
// (issue 12, A.4).
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKeys, type KeyInUse } from '../../src/adapters/key-checks.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { ConfigError } from '../../src/config.js';
import { keyCheckValue } from '../../src/security/key-check.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
eachStoreDialect((dialect) => {
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
  });
  afterEach(async () => cleanup());

  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const now = new Date('2026-11-27T10:00:00Z');
  const hashKey = (current: Buffer, previous: Buffer[] = [], source = 'PIN_HASH_KEY'): KeyInUse => ({ purpose: 'pin-hash', variable: 'PIN_HASH_KEY', previousVariable: 'PIN_HASH_KEYS_PREVIOUS', current, previous, source });
  const sealKey = (current: Buffer, previous: Buffer[] = []): KeyInUse => ({ purpose: 'seal', variable: 'PIN_SEAL_KEY', previousVariable: 'PIN_SEAL_KEYS_PREVIOUS', current, previous, source: 'PIN_SEAL_KEY' });
  const check = (...keys: KeyInUse[]) => checkKeys(store.db, keys, 'DATA_DIR /srv/pindesk', log, now);
  const stored = async () => (await store.db.selectFrom('key_checks').selectAll().orderBy('purpose').execute()).map((r) => `${r.purpose}:${r.check_value}`);

  describe('key checks', () => {
    it('records a check value on first use, never the key', async () => {
      const a = randomBytes(32);
      const s = randomBytes(32);
      await check(hashKey(a), sealKey(s));
      expect(await stored()).toEqual([`pin-hash:${keyCheckValue(a, 'pin-hash')}`, `seal:${keyCheckValue(s, 'seal')}`]);
      const everything = JSON.stringify(await store.db.selectFrom('key_checks').selectAll().execute());
      for (const key of [a, s]) {
        expect(everything).not.toContain(key.toString('base64'));
        expect(everything).not.toContain(key.toString('base64url'));
        expect(everything).not.toContain(key.toString('hex'));
      }
      await check(hashKey(a), sealKey(s));
    });

    it('a different key refuses to start, naming the variable (and where the key came from)', async () => {
      await check(hashKey(randomBytes(32)), sealKey(randomBytes(32)));
      const wrongHash = await check(hashKey(randomBytes(32), [], '/srv/pindesk/secrets.json')).catch((e: unknown) => e);
      expect(wrongHash).toBeInstanceOf(ConfigError);
      expect((wrongHash as Error).message).toMatch(/^PIN_HASH_KEY: not the key the data in DATA_DIR \/srv\/pindesk was written with \(PIN_HASH_KEY is not set: the key came from \/srv\/pindesk\/secrets\.json\): .*every stored PIN would be rejected.*PIN_HASH_KEYS_PREVIOUS/);
      const wrongSeal = await check(sealKey(randomBytes(32))).catch((e: unknown) => e);
      expect((wrongSeal as Error).message).toMatch(/^PIN_SEAL_KEY: not the key .* PINs waiting to be revealed would not open.*PIN_SEAL_KEYS_PREVIOUS/);
    });

    it('rotation: the old key listed as previous lets the new key start, and records it; the old key is forgotten once unlisted', async () => {
      const old = randomBytes(32);
      const current = randomBytes(32);
      await check(hashKey(old));
      await check(hashKey(current, [old]));
      expect(await stored()).toEqual(expect.arrayContaining([`pin-hash:${keyCheckValue(old, 'pin-hash')}`, `pin-hash:${keyCheckValue(current, 'pin-hash')}`]));
      // A wrong previous key does not help a wrong current key.
      await expect(check(hashKey(randomBytes(32), [randomBytes(32)]))).rejects.toThrow(/PIN_HASH_KEY/);
      lines.length = 0;
      await check(hashKey(current));
      expect(await stored()).toEqual([`pin-hash:${keyCheckValue(current, 'pin-hash')}`]);
      expect(lines.join('\n')).toMatch(/no longer in PIN_HASH_KEYS_PREVIOUS/);
      // ...so the old key alone is refused from now on.
      await expect(check(hashKey(old))).rejects.toThrow(/PIN_HASH_KEY/);
    });
  });
});
