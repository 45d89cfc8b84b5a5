// The desk with real SQLite and a directory whose group memberships can change between actions:
// roles are checked when each action runs, never remembered from when a card was sent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Desk, Turn } from '../../src/desk/desk.js';
import { CardExpiredError, MissingRoleError, PinLockedError } from '../../src/domain/errors.js';
import { deskFixture, type ChangingDirectory, type DeskFixture } from '../support/desk-fixture.js';
import { Pauses, pausingStore } from '../support/pausing-store.js';

let fixture: DeskFixture;
let cachedFixture: DeskFixture | undefined;
let store: DeskFixture['store'];
let directory: ChangingDirectory;
let desk: Desk;
/** Races arm these so that both clicks read the continuation before either consumes it. */
const pauses = new Pauses();
const turn = (sam: string): Turn => fixture.turn(sam, { conversation: undefined });

beforeEach(async () => {
  fixture = await deskFixture({ settings: { roleCacheTtlMs: 0 }, decorateStore: (raw) => pausingStore(raw, pauses) });
  ({ store, directory, desk } = fixture);
});
afterEach(async () => {
  await fixture.close();
  await cachedFixture?.close();
  cachedFixture = undefined;
});

describe('the role cache (ROLE_CACHE_TTL)', () => {
  it('keeps roles for at most its time, and not at all when 0', async () => {
    cachedFixture = await deskFixture({ settings: { roleCacheTtlMs: 30_000 } });
    const cached = cachedFixture.desk;
    const chris = () => cachedFixture!.turn('chris', { conversation: undefined });
    expect((await cached.handleText(chris(), 'pin status Ken Myer')).kind).toBe('pin-status');
    cachedFixture.directory.removed.add('chris');
    directory.removed.add('chris');
    expect((await cached.handleText(chris(), 'pin status Ken Myer')).kind).toBe('pin-status');
    cachedFixture.clock.advance(30_001);
    await expect(cached.handleText(chris(), 'pin status Ken Myer')).rejects.toBeInstanceOf(MissingRoleError);
    await expect(desk.handleText(turn('chris'), 'pin status Ken Myer')).rejects.toBeInstanceOf(MissingRoleError);
  });
});

describe('roles are re-checked when each action runs', () => {
  it('a PIN cannot be revealed by an admin who lost the role after setting it', async () => {
    const result = await desk.handleText(turn('pilar'), 'set pin Ken Myer');
    if (result.kind !== 'pin-set') throw new Error(result.kind);
    expect((await desk.reveal(turn('pilar'), result.revealRef, true)).pin).toMatch(/^\d{5}$/);
    directory.removed.add('pilar');
    await expect(desk.reveal(turn('pilar'), result.revealRef, true)).rejects.toBeInstanceOf(MissingRoleError);
  });

  it('"Unlock and set" checks both permissions at the click, not when offered', async () => {
    await desk.handleText(turn('anne'), 'lock pin Ken Myer');
    const refusal = await desk.handleText(turn('anne'), 'set pin Ken Myer').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PinLockedError);
    const ref = (refusal as PinLockedError).unlockAndSetRef!;
    directory.removed.add('anne');
    await expect(desk.unlockAndSet(turn('anne'), ref)).rejects.toBeInstanceOf(MissingRoleError);
    directory.removed.delete('anne');
    expect((await desk.unlockAndSet(turn('anne'), ref)).kind).toBe('pin-set');
  });

  it('a picker choice re-checks the role too', async () => {
    const picker = await desk.handleText(turn('pilar'), 'set pin Ken');
    if (picker.kind !== 'choose-user') throw new Error(picker.kind);
    directory.removed.add('pilar');
    await expect(desk.choose(turn('pilar'), picker.ref, 0)).rejects.toBeInstanceOf(MissingRoleError);
  });

  it('a double click on Unlock and set does one thing', async () => {
    await desk.handleText(turn('anne'), 'lock pin Ken Myer');
    const ref = ((await desk.handleText(turn('anne'), 'set pin Ken Myer').catch((e: unknown) => e)) as PinLockedError).unlockAndSetRef!;
    const overlap = pauses.arm('continuations.get', 2);
    const results = await Promise.allSettled([desk.unlockAndSet(turn('anne'), ref), desk.unlockAndSet(turn('anne'), ref)]);
    expect(await overlap.met).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(CardExpiredError);
    const history = await store.db.selectFrom('pin_history').selectAll().execute();
    expect(history).toHaveLength(1);
  });

  it('two picker choices pressed at once set one PIN, for one user', async () => {
    const picker = await desk.handleText(turn('pilar'), 'set pin Ken');
    if (picker.kind !== 'choose-user') throw new Error(picker.kind);
    const overlap = pauses.arm('continuations.get', 2);
    const results = await Promise.allSettled([desk.choose(turn('pilar'), picker.ref, 0), desk.choose(turn('pilar'), picker.ref, 1)]);
    expect(await overlap.met).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(CardExpiredError);
    const history = await store.db.selectFrom('pin_history').selectAll().execute();
    expect(history).toHaveLength(1);
  });
});
