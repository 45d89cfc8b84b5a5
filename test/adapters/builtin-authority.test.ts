import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { pinStatusAt } from '../../src/domain/pin-state.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
let authority: BuiltInPinAuthority;
let hasher: PinHasher;
const at = new Date('2026-11-27T10:00:00Z');
const user = 'user-1';

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
    hasher = new PinHasher(randomBytes(32));
    authority = new BuiltInPinAuthority(store.db, hasher);
  });
  afterEach(async () => cleanup());

  describe('built-in PIN authority', () => {
    it('a new user has no PIN', async () => {
      expect(pinStatusAt(await authority.state(user), at)).toMatchObject({ isPinSet: false, isLockedOut: false });
    });

    it('stores a keyed hash, never the PIN', async () => {
      expect(await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 })).toBe('set');
      const state = await authority.state(user);
      expect(state).toMatchObject({ isPinSet: true, pinLength: 6, lastChangedAt: at });
      const row = await store.db.selectFrom('pin_records').selectAll().executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain('730194');
      expect(row.pin_hash).toMatch(/^[\w-]{43}$/);
    });

    it('the same PIN hashes differently for two users', async () => {
      await authority.setPin({ userId: 'a', pin: '730194', at, historyCount: 0 });
      await authority.setPin({ userId: 'b', pin: '730194', at, historyCount: 0 });
      const rows = await store.db.selectFrom('pin_records').select('pin_hash').execute();
      expect(rows[0]!.pin_hash).not.toBe(rows[1]!.pin_hash);
    });

    it('refuses to set a locked PIN, unless unlocking first in the same step', async () => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      expect(await authority.lock(user, at)).toEqual({ wasLocked: false });
      expect(await authority.lock(user, at)).toEqual({ wasLocked: true });
      expect(await authority.setPin({ userId: user, pin: '481620', at, historyCount: 0 })).toBe('locked');
      expect((await authority.historyMatcher(user, 5))('481620')).toBe(false);
      expect(await authority.setPin({ userId: user, pin: '481620', at, historyCount: 0, unlockFirst: true })).toBe('set');
      expect(pinStatusAt(await authority.state(user), at).isLockedOut).toBe(false);
    });

    it('unlock clears every lock and both failure counters', async () => {
      await store.db
        .insertInto('pin_records')
        .values({ user_id: user, pin_hash: 'x', admin_locked: 1, failure_locked: 1, temporary_lock_until: at.getTime() + 1000, local_failures: 3, global_failures: 40, updated_at: 0 })
        .execute();
      expect(await authority.unlock(user, at)).toEqual({ wasLocked: true });
      expect(await authority.state(user)).toMatchObject({ adminLocked: false, failureLocked: false, temporaryLockUntil: undefined, localFailures: 0, globalFailures: 0 });
    });

    it('remembers history for the history rule', async () => {
      const pins = ['730194', '481620', '905173'];
      for (const [i, pin] of pins.entries()) await authority.setPin({ userId: user, pin, at: new Date(at.getTime() + i), historyCount: 2 });
      const lastTwo = await authority.historyMatcher(user, 2);
      expect(lastTwo('905173')).toBe(true);
      expect(lastTwo('481620')).toBe(true);
      expect(lastTwo('730194')).toBe(false);
      expect((await authority.historyMatcher(user, 3))('730194')).toBe(true);
      expect((await authority.historyMatcher(user, 0))('905173')).toBe(false);
    });

    it('keeps at most 20 history entries per user', async () => {
      for (let i = 0; i < 25; i++) await authority.setPin({ userId: user, pin: String(700000 + i * 37), at: new Date(at.getTime() + i), historyCount: 1 });
      const count = await store.db.selectFrom('pin_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(20);
    });

    it('a set after a lock is refused and changes nothing: same hash, same row, no history entry', async () => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      await authority.lock(user, new Date(at.getTime() + 1));
      const before = await pinRow(user);
      const historyBefore = await historyRows(user);
      expect(await authority.setPin({ userId: user, pin: '481620', at: new Date(at.getTime() + 2), historyCount: 0 })).toBe('locked');
      expect(await pinRow(user)).toEqual(before);
      expect(hasher.matches(user, '730194', before.pin_hash!)).toBe(true);
      expect(await historyRows(user)).toEqual(historyBefore);
    });

    it.each([
      ['locked after too many failed logons', { failure_locked: 1 }],
      ['temporarily locked (local limit)', { temporary_lock_until: at.getTime() + 60_000 }],
    ])('refuses to set a PIN %s, and changes nothing', async (_, lock) => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      await store.db.updateTable('pin_records').set(lock).where('user_id', '=', user).execute();
      const before = await pinRow(user);
      expect(await authority.setPin({ userId: user, pin: '481620', at, historyCount: 0 })).toBe('locked');
      expect(await pinRow(user)).toEqual(before);
      expect(await authority.setPin({ userId: user, pin: '481620', at, historyCount: 0, unlockFirst: true })).toBe('set');
    });

    it('a temporary lock that has run out does not stop a set', async () => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      await store.db.updateTable('pin_records').set({ temporary_lock_until: at.getTime() }).where('user_id', '=', user).execute();
      expect(await authority.setPin({ userId: user, pin: '481620', at, historyCount: 0 })).toBe('set');
      expect(hasher.matches(user, '481620', (await pinRow(user)).pin_hash!)).toBe(true);
    });

    // Lock and set commute except for the set's own answer, so "the set ran first" and "the set
    // ignored the lock" look alike under concurrency; the test above pins the order down. Here each
    // interleaving must give exactly what some one-at-a-time order of the same calls would give:
    // the set's answer, the locks' wasLocked answers, the final lock state and which PIN is live.
    it.each<{ ops: Op[] }>([
      { ops: ['lock', 'set', 'lock'] },
      { ops: ['set', 'lock'] },
      { ops: ['lock', 'set'] },
      { ops: ['lock', 'set', 'set'] },
      { ops: ['set', 'lock', 'set', 'lock'] },
    ])('concurrent $ops: the outcome is that of one serial order (the set never slips past the lock)', async ({ ops }) => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      const results = await Promise.all(
        ops.map((op, i) => (op === 'lock' ? authority.lock(user, at).then((r) => (r.wasLocked ? 'was-locked' : 'was-unlocked')) : authority.setPin({ userId: user, pin: NEW_PINS[i]!, at, historyCount: 0 }))),
      );
      const row = await pinRow(user);
      const live = ['730194', ...NEW_PINS].find((pin) => hasher.matches(user, pin, row.pin_hash!));
      const observed = { results, live, locked: row.admin_locked === 1 };
      const serial = permutations(ops.map((op, i) => i)).map((order) => simulate(ops, order));
      expect(serial).toContainEqual(observed);
      expect(observed.locked).toBe(true);
      // Exactly one lock found the PIN unlocked; a set said 'set' exactly when its PIN was stored.
      expect(results.filter((r) => r === 'was-unlocked')).toHaveLength(1);
      const sets = ops.flatMap((op, i) => (op === 'set' ? [i] : []));
      const history = (await historyRows(user)).map((h) => sets.find((i) => hasher.matches(user, NEW_PINS[i]!, h.pin_hash)) ?? 'initial');
      expect(history[0]).toBe('initial');
      expect(history.slice(1).sort()).toEqual(sets.filter((i) => results[i] === 'set').sort());
    });
  });

  type Op = 'lock' | 'set';
  /** The PIN each position in an op list sets, if it is a set. */
  const NEW_PINS = ['481620', '592731', '603842', '714953'];

  /** What running the ops one at a time, in this order, answers and leaves (the model). */
  function simulate(ops: Op[], order: number[]): { results: string[]; live: string; locked: boolean } {
    let locked = false;
    let live = '730194';
    const results: string[] = new Array(ops.length);
    for (const i of order) {
      if (ops[i] === 'lock') {
        results[i] = locked ? 'was-locked' : 'was-unlocked';
        locked = true;
      } else if (locked) results[i] = 'locked';
      else {
        results[i] = 'set';
        live = NEW_PINS[i]!;
      }
    }
    return { results, live, locked };
  }

  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  }

  async function pinRow(userId: string) {
    return store.db.selectFrom('pin_records').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
  }

  async function historyRows(userId: string) {
    return store.db.selectFrom('pin_history').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  describe('built-in PIN authority, verify', () => {
    const limits = () => ({ local: 5, global: 50 });

    it('is named built-in, and says "not set" for a user without a PIN or a PIN record, at their typed length', async () => {
      expect(authority.name).toBe('built-in');
      const lengths: number[] = [];
      const limitsFor = (length: number) => (lengths.push(length), limits());
      expect(await authority.verify('nobody', '1234567', at, limitsFor)).toBe('not-set');
      await authority.lock('locked-only', at);
      expect(await authority.state('locked-only')).toMatchObject({ isPinSet: false, adminLocked: true });
      expect(await authority.verify('locked-only', '12345', at, limitsFor)).not.toBe('ok');
      expect(lengths).toEqual([7, 5]);
    });

    it('reads a failure lock back from the record', async () => {
      await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      await store.db.updateTable('pin_records').set({ failure_locked: 1 }).where('user_id', '=', user).execute();
      expect(await authority.state(user)).toMatchObject({ failureLocked: true, adminLocked: false });
    });

    it('re-hashes a right PIN stored under a previous key with the current one; a wrong PIN changes no hash', async () => {
      const oldKey = randomBytes(32);
      await new BuiltInPinAuthority(store.db, new PinHasher(oldKey)).setPin({ userId: user, pin: '730194', at, historyCount: 0 });
      const hashOf = async () => (await store.db.selectFrom('pin_records').select('pin_hash').where('user_id', '=', user).executeTakeFirstOrThrow()).pin_hash!;
      const oldHash = await hashOf();
      const rotatedHasher = new PinHasher(randomBytes(32), [oldKey]);
      const rotated = new BuiltInPinAuthority(store.db, rotatedHasher);
      expect(await rotated.verify(user, '111111', at, limits)).toBe('invalid');
      expect(await hashOf()).toBe(oldHash);
      expect(await rotated.verify(user, '730194', at, limits)).toBe('ok');
      expect(await hashOf()).toBe(rotatedHasher.hash(user, '730194'));
      expect(await rotated.verify(user, '222222', at, limits)).toBe('invalid');
      expect(await hashOf()).toBe(rotatedHasher.hash(user, '730194'));
      expect(await rotated.verify(user, '730194', at, limits)).toBe('ok');
    });
  });
});
