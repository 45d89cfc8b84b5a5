// The desk with real SQLite and a directory whose group memberships can change between actions:
// roles are checked when each action runs, never remembered from when a card was sent.
import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import { FileDirectory } from '../../src/adapters/directory/file-directory.js';
import { directoryFileSchema } from '../../src/adapters/directory/directory-file.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { Desk, type Turn } from '../../src/desk/desk.js';
import { CardExpiredError, MissingRoleError, PinLockedError } from '../../src/domain/errors.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { Sealer } from '../../src/security/sealer.js';
import { Pauses, pausingStore } from '../support/pausing-store.js';
import { tempStore } from '../support/store.js';

/** The demo directory, with a switch to take groups away from a user. */
class ChangingDirectory extends FileDirectory {
  readonly removed = new Set<string>();
  override async groupsOf(user: DirectoryUser): Promise<ReadonlySet<string>> {
    return this.removed.has(user.samAccountName) ? new Set() : super.groupsOf(user);
  }
}

let store: SqlStore;
let cleanup: () => Promise<void>;
let directory: ChangingDirectory;
let desk: Desk;
/** Races arm these so that both clicks read the continuation before either consumes it. */
const pauses = new Pauses();
let now = Date.parse('2026-11-27T10:00:00Z');

const turn = (sam: string): Turn => ({
  caller: { appearsAs: sam, trusted: true, account: { samAccountName: sam } },
  requestId: `r-${Math.random()}`,
  shared: false,
  privateReply: true,
  canReachPrivately: true,
});

function makeDesk(roleCacheTtlMs: number): Desk {
  return new Desk({
    directory,
    authority: new BuiltInPinAuthority(store.db, new PinHasher(randomBytes(32))),
    store: pausingStore(store, pauses),
    sealer: new Sealer(randomBytes(32)),
    clock: () => new Date(now),
    randomInt: (max) => randomInt(max),
    settings: {
      revealTtlMs: 600_000,
      choiceTtlMs: 900_000,
      pickerLimit: 10,
      findLimit: 25,
      scopedRoles: [],
      roleCacheTtlMs,
      selfService: { requestTtlMs: 86_400_000, requestsPerDay: 3, decisionsPerMinute: 20, approvers: [] },
      roleGroups: { CsAdministrator: 'CsAdministrator', CsUserAdministrator: 'CsUserAdministrator', CsHelpDesk: 'CsHelpDesk', CsViewOnlyAdministrator: 'CsViewOnlyAdministrator' },
    },
  });
}

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
  directory = new ChangingDirectory(directoryFileSchema.parse(JSON.parse(await readFile(DEMO_DIRECTORY_FILE, 'utf8'))));
  desk = makeDesk(0);
});
afterEach(async () => cleanup());

describe('the role cache (ROLE_CACHE_TTL)', () => {
  it('keeps roles for at most its time, and not at all when 0', async () => {
    const cached = makeDesk(30_000);
    expect((await cached.handleText(turn('chris'), 'pin status Ken Myer')).kind).toBe('pin-status');
    directory.removed.add('chris');
    expect((await cached.handleText(turn('chris'), 'pin status Ken Myer')).kind).toBe('pin-status');
    now += 30_001;
    await expect(cached.handleText(turn('chris'), 'pin status Ken Myer')).rejects.toBeInstanceOf(MissingRoleError);
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
