import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import { FileDirectory, loadFileDirectory } from '../../src/adapters/directory/file-directory.js';
import { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { BackendError, DeskError, DirectoryUnavailableError, PolicyConflictError, UnknownCallerError } from '../../src/domain/errors.js';
import { parseIdentity } from '../../src/domain/identity.js';
import { guardAuthority, guardDirectory, guardMethods, guardStore, translateWith } from '../../src/ports/guarded.js';
import type { PinAuthority } from '../../src/ports/pin-authority.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { tempStore } from '../support/store.js';

const at = new Date('2026-11-27T10:00:00Z');

/** The rejection of `promise`, which must reject. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (failure) {
    return failure;
  }
  throw new Error('expected a rejection');
}

describe('guardStore, on a real SQLite store', () => {
  let store: SqlStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
  });
  afterEach(async () => cleanup());

  it('keeps return values, plain properties and the class', async () => {
    const guarded = guardStore(store);
    expect(guarded).toBeInstanceOf(SqlStore);
    expect(guarded.db).toBe(store.db);
    await guarded.policies.savePolicy({ identity: 'tag:StrictPin', minPasswordLength: 8, pinHistoryCount: 3, pinLifetimeDays: 0, allowCommonPatterns: false });
    expect((await guarded.policies.policies()).get('tag:StrictPin')).toMatchObject({ identity: 'tag:StrictPin' });
    expect(await guarded.rateLimits.hit('k', 1, 60_000, at)).toBe(true);
    expect(await guarded.rateLimits.hit('k', 1, 60_000, at)).toBe(false);
    await expect(guarded.ping()).resolves.toBeUndefined();
  });

  it('guards every repository, and wraps each method once', () => {
    const guarded = guardStore(store);
    for (const key of ['policies', 'audit', 'reveals', 'continuations', 'conversations', 'searches', 'requests', 'approvalChannels', 'rateLimits'] as const) {
      expect(guarded[key]).not.toBe(store[key]);
      expect(guarded[key]).toBe(guarded[key]);
    }
    expect(guarded.requests.get).toBe(guarded.requests.get);
  });

  it('a closed store fails with BackendError, keeping the cause', async () => {
    const guarded = guardStore(store);
    await store.close();
    const failure = await failureOf(guarded.audit.recent({ limit: 5 }));
    expect(failure).toBeInstanceOf(BackendError);
    expect((failure as BackendError).cause).toBeInstanceOf(Error);
    expect((failure as BackendError).cause).not.toBeInstanceOf(DeskError);
    expect(await failureOf(guarded.requests.pendingOf('u-1'))).toBeInstanceOf(BackendError);
  });

  it('ping and close report the raw failure (readiness shows its message)', async () => {
    const guarded = guardStore(store);
    await guarded.close();
    const failure = await failureOf(guarded.ping());
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(DeskError);
  });

  it('a DeskError from a repository passes through unchanged', async () => {
    const refusal = new PolicyConflictError('tag:X', 'missing');
    store.policies.removePolicy = async () => {
      throw refusal;
    };
    expect(await failureOf(guardStore(store).policies.removePolicy('tag:X'))).toBe(refusal);
  });
});

describe('guardAuthority, on the built-in authority', () => {
  let store: SqlStore;
  let cleanup: () => Promise<void>;
  let authority: BuiltInPinAuthority;
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    authority = new BuiltInPinAuthority(store.db, new PinHasher(randomBytes(32)));
  });
  afterEach(async () => cleanup());

  it('keeps `this`, return values and its name', async () => {
    const guarded: PinAuthority = guardAuthority(authority);
    expect(guarded.name).toBe('built-in');
    expect(guarded).toBeInstanceOf(BuiltInPinAuthority);
    expect(await guarded.setPin({ userId: 'u-1', pin: '730194', at, historyCount: 3 })).toBe('set');
    expect(await guarded.state('u-1', at)).toMatchObject({ isPinSet: true, pinLength: 6 });
    const inHistory = await guarded.historyMatcher('u-1', 3);
    expect(inHistory('730194')).toBe(true);
    expect(inHistory('111111')).toBe(false);
    expect(await guarded.lock('u-1', at)).toEqual({ wasLocked: false });
  });

  it('a failing store underneath becomes BackendError with the cause', async () => {
    const guarded = guardAuthority(authority);
    await store.close();
    const failure = await failureOf(guarded.setPin({ userId: 'u-1', pin: '730194', at, historyCount: 0 }));
    expect(failure).toBeInstanceOf(BackendError);
    expect((failure as BackendError).cause).toBeInstanceOf(Error);
  });
});

describe('guardDirectory, on the file directory', () => {
  let directory: FileDirectory;
  beforeAll(async () => {
    directory = await loadFileDirectory(DEMO_DIRECTORY_FILE);
  });

  it('keeps `this` and return values', async () => {
    const guarded = guardDirectory(directory);
    expect(guarded).toBeInstanceOf(FileDirectory);
    const ken = await guarded.findAccount({ samAccountName: 'kmyer' });
    expect(ken).toMatchObject({ displayName: 'Ken Myer' });
    expect(await guarded.getById(ken!.id)).toEqual(ken);
    expect((await guarded.search(parseIdentity('Ken Myer')!, 10)).map((u) => u.samAccountName)).toContain('kmyer');
    expect([...(await guarded.groupsOf((await guarded.findAccount({ samAccountName: 'anne' }))!))]).toEqual(['CsAdministrator']);
  });

  it('a method that throws becomes DirectoryUnavailableError with the cause', async () => {
    const guarded = guardDirectory(directory);
    // A query without a kind: the file directory itself fails reading it.
    const failure = await failureOf(guarded.search(null as never, 10));
    expect(failure).toBeInstanceOf(DirectoryUnavailableError);
    expect((failure as DirectoryUnavailableError).cause).toBeInstanceOf(TypeError);
  });

  it('a DeskError passes through; ping reports the raw failure', async () => {
    const broken = await loadFileDirectory(DEMO_DIRECTORY_FILE);
    const refusal = new UnknownCallerError('zed', 'not-in-directory');
    const down = new Error('connect ECONNREFUSED');
    broken.findAccount = async () => {
      throw refusal;
    };
    broken.sites = async () => {
      throw down;
    };
    broken.ping = async () => {
      throw down;
    };
    const guarded = guardDirectory(broken);
    expect(await failureOf(guarded.findAccount({ samAccountName: 'zed' }))).toBe(refusal);
    const failure = await failureOf(guarded.sites());
    expect(failure).toBeInstanceOf(DirectoryUnavailableError);
    expect((failure as DirectoryUnavailableError).cause).toBe(down);
    expect(await failureOf(guarded.ping())).toBe(down);
  });
});

describe('guardMethods', () => {
  const translate = translateWith((cause) => new BackendError(cause));

  class Counter {
    #count = 0;
    readonly label = 'counter';
    add(n: number): number {
      if (n < 0) throw new RangeError('negative');
      this.#count += n;
      return this.#count;
    }
    async addLater(n: number): Promise<number> {
      return this.add(n);
    }
    get count(): number {
      return this.#count;
    }
  }

  it('runs methods on the target itself (private fields work), keeping sync and async results', async () => {
    const counter = new Counter();
    const guarded = guardMethods(counter, translate);
    expect(guarded.add(2)).toBe(2);
    await expect(guarded.addLater(3)).resolves.toBe(5);
    expect(guarded.count).toBe(5);
    expect(guarded.label).toBe('counter');
    expect(counter.count).toBe(5);
  });

  it('translates a synchronous throw too', () => {
    const guarded = guardMethods(new Counter(), translate);
    let failure: unknown;
    try {
      guarded.add(-1);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(BackendError);
    expect((failure as BackendError).cause).toBeInstanceOf(RangeError);
  });

  it('refuses, at wiring, a method it could not replace (a frozen own property)', () => {
    const frozen = Object.freeze({ run: async () => 1 });
    expect(() => guardMethods(frozen, translate)).toThrow(TypeError);
  });
});
