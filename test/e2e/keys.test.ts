// Keys and their rotation, over HTTP, across restarts on one DATA_DIR and database (issue 12, A.4): a
// start with a hashing or sealing key the data was not written with refuses, naming the variable;
// with the old key in PIN_HASH_KEYS_PREVIOUS / PIN_SEAL_KEYS_PREVIOUS the old PIN still verifies
// (and is re-hashed with the new key), an old sealed PIN still reveals, and the next PIN set uses
// the new key. On SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseSettings } from '../../src/database-settings.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { action, cardOf, cardText, startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect, queryRows, type StoreDialect } from '../support/store.js';

const VERIFY_KEY = 'test-verify-key-0123456789abcdef';
const [hashA, hashB, sealA, sealB] = [randomBytes(32), randomBytes(32), randomBytes(32), randomBytes(32)];
const b64 = (key: Buffer) => key.toString('base64');
const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

let dataDir: string;
/** The same database for every start (none for SQLite: the file in DATA_DIR). */
let database: Record<string, string>;
const running: Harness[] = [];

async function start(keys: Record<string, string>): Promise<Harness> {
  const h = await startHarness({ DATA_DIR: dataDir, VERIFY_API_KEYS: VERIFY_KEY, ...database, ...keys });
  running.push(h);
  return h;
}

async function stop(h: Harness): Promise<void> {
  running.splice(running.indexOf(h), 1);
  await h.stop();
}

async function verify(h: Harness, line: string, pin: string): Promise<string> {
  const response = await fetch(`${h.app.url}/api/pins/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${VERIFY_KEY}` },
    body: JSON.stringify({ line, pin }),
  });
  return ((await response.json()) as { result: string }).result;
}

async function storedHash(userId: string): Promise<string> {
  const rows = await queryRows(databaseSettings(database), dataDir, 'select pin_hash from pin_records where user_id = ?', userId);
  expect(rows).toHaveLength(1);
  return rows[0].pin_hash;
}

/** Where the refusal says the data is: the SQLite file's DATA_DIR, or the PostgreSQL database. */
const dataLocation = (dialect: StoreDialect) => (dialect === 'sqlite' ? 'DATA_DIR .*' : 'the database .*');

eachStoreDialect((dialect) => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-keys-'));
    database = await databaseEnv(dialect);
  });
  afterAll(async () => {
    for (const h of running.splice(0)) await h.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('keys across restarts', () => {
    let kenMyer: string;
    let kenMeyerCard: any;

    it('first start: PINs set under key A; a card waits to be revealed', async () => {
      const h = await start({ PIN_HASH_KEY: b64(hashA), PIN_SEAL_KEY: b64(sealA) });
      kenMyer = await h.userId('kmyer');
      expect(cardText(cardOf((await h.emulator('pilar').say('set pin Ken Myer 730194')).sent[0]))).toContain('PIN set for Ken Myer');
      kenMeyerCard = cardOf((await h.emulator('pilar').say('set pin Ken Meyer')).sent[0]);
      expect(await verify(h, '+14255550100', '730194')).toBe('ok');
      await stop(h);
    });

    it('a start with another PIN_HASH_KEY (or PIN_SEAL_KEY) refuses, naming the variable, never the key', async () => {
      const wrongHash = await start({ PIN_HASH_KEY: b64(randomBytes(32)), PIN_SEAL_KEY: b64(sealA) }).catch((e: unknown) => e as Error);
      expect(wrongHash).toBeInstanceOf(Error);
      expect((wrongHash as Error).message).toMatch(new RegExp(`^PIN_HASH_KEY: not the key the data in ${dataLocation(dialect)} was written with`));
      const wrongSeal = await start({ PIN_HASH_KEY: b64(hashA), PIN_SEAL_KEY: b64(randomBytes(32)) }).catch((e: unknown) => e as Error);
      expect((wrongSeal as Error).message).toMatch(/^PIN_SEAL_KEY: not the key/);
      expect(`${(wrongHash as Error).message}${(wrongSeal as Error).message}`).not.toMatch(new RegExp([hashA, sealA].map((k) => b64(k).replace(/[+/=]/g, '.')).join('|')));
    // Nor the database's password (PostgreSQL names the database by its address).
    if (database.DATABASE_URL) expect(`${(wrongHash as Error).message}${(wrongSeal as Error).message}`).not.toContain(new URL(database.DATABASE_URL).password);
    });

    it('rotation: the old PIN still verifies (and is re-hashed with the new key), the old sealed PIN still reveals', async () => {
      const h = await start({ PIN_HASH_KEY: b64(hashB), PIN_HASH_KEYS_PREVIOUS: b64(hashA), PIN_SEAL_KEY: b64(sealB), PIN_SEAL_KEYS_PREVIOUS: b64(sealA) });
      expect(await storedHash(kenMyer)).toBe(new PinHasher(hashA).hash(kenMyer, '730194'));
      expect(await verify(h, '+14255550100', '730195')).toBe('invalid');
      expect(await verify(h, '+14255550100', '730194')).toBe('ok');
      expect(await storedHash(kenMyer)).toBe(new PinHasher(hashB).hash(kenMyer, '730194'));

      const revealed = await h.emulator('pilar').submit(action(kenMeyerCard, 'Reveal PIN'));
      expect(pinOnCard(cardOf(revealed.sent.at(-1)))).toMatch(/^\d{5}$/);

      // The next PIN set is hashed with the new key.
      await h.emulator('pilar').say('set pin Ken Myer 730196');
      expect(await storedHash(kenMyer)).toBe(new PinHasher(hashB).hash(kenMyer, '730196'));
      await stop(h);
    });

    it('after the rotation, the new keys alone start, and the re-set PIN verifies', async () => {
      const h = await start({ PIN_HASH_KEY: b64(hashB), PIN_SEAL_KEY: b64(sealB) });
      expect(await verify(h, '+14255550100', '730196')).toBe('ok');
      expect(h.logLines.join('\n')).toMatch(/no longer in PIN_HASH_KEYS_PREVIOUS/);
      await stop(h);
      // ...and the old key alone is now refused.
      await expect(start({ PIN_HASH_KEY: b64(hashA), PIN_SEAL_KEY: b64(sealB) })).rejects.toThrow(/^PIN_HASH_KEY: /);
    });
  });
});
