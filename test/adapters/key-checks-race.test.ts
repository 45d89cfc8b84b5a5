// Two instances starting at the same moment on an empty PostgreSQL database, configured with
// different PIN_HASH_KEYs (a mistake): exactly one records its key check value and starts, the
// other refuses, naming the variable — never both, which would hash PINs under two keys. Two
// connection pools, as two instances have; each round on a store emptied of key checks.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeys, type KeyInUse } from '../../src/adapters/key-checks.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { ConfigError } from '../../src/config.js';
import { postgresAvailable } from '../support/postgres.js';
import { stopPostgresCluster, tempStore, type TempStore } from '../support/store.js';

const ROUNDS = 50;
const log = pino({ level: 'silent' });
const hashKey = (current: Buffer): KeyInUse => ({ purpose: 'pin-hash', variable: 'PIN_HASH_KEY', previousVariable: 'PIN_HASH_KEYS_PREVIOUS', current, previous: [], source: 'PIN_HASH_KEY' });

describe.runIf(postgresAvailable())('two instances starting at once with different keys (PostgreSQL, two pools)', () => {
  let first: TempStore;
  let second: SqlStore;
  beforeAll(async () => {
    first = await tempStore('postgres');
    second = await first.reopen();
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.cleanup();
    await stopPostgresCluster();
  });

  it(`one starts, the other refuses naming PIN_HASH_KEY (${ROUNDS} rounds)`, async () => {
    const started = { first: 0, second: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      await first.store.db.deleteFrom('key_checks').execute();
      const now = new Date();
      const onFirst = () => checkKeys(first.store.db, [hashKey(randomBytes(32))], 'the database', log, now);
      const onSecond = () => checkKeys(second.db, [hashKey(randomBytes(32))], 'the database', log, now);
      // Called in turn first-first and second-first, so neither has a head start overall.
      const outcomes = round % 2 === 0 ? await Promise.allSettled([onFirst(), onSecond()]) : (await Promise.allSettled([onSecond(), onFirst()])).reverse();
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(refused, `round ${round}`).toHaveLength(1);
      expect(refused[0], `round ${round}`).toBeInstanceOf(ConfigError);
      expect((refused[0] as Error).message, `round ${round}`).toMatch(/^PIN_HASH_KEY: not the key/);
      expect(await first.store.db.selectFrom('key_checks').selectAll().execute(), `round ${round}`).toHaveLength(1);
      started[outcomes[0]!.status === 'fulfilled' ? 'first' : 'second']++;
    }
    console.log(`key check race (2 pools): ${ROUNDS} rounds, the first started ${started.first} times, the second ${started.second}; the other refused each time`);
  }, 60_000);
});
