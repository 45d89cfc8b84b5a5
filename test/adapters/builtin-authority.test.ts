import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { pinStatusAt } from '../../src/domain/pin-state.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
let authority: BuiltInPinAuthority;
const at = new Date('2026-11-27T10:00:00Z');
const user = 'user-1';

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
  authority = new BuiltInPinAuthority(store.db, new PinHasher(randomBytes(32)));
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

  it('concurrent lock and set: the set never slips past the lock', async () => {
    await authority.setPin({ userId: user, pin: '730194', at, historyCount: 0 });
    const results = await Promise.all([authority.lock(user, at), authority.setPin({ userId: user, pin: '481620', at, historyCount: 0 }), authority.lock(user, at)]);
    const state = await authority.state(user);
    expect(state.adminLocked).toBe(true);
    // Either the set ran before the first lock (set) or after it (refused): never a set on a locked PIN.
    expect(['set', 'locked']).toContain(results[1]);
  });
});
