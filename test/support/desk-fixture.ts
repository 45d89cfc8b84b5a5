// The use cases on real parts, without HTTP: real SQLite in a temporary directory, the demo
// directory (with a switch to take a user's groups away), a controlled clock, the same wiring as
// the server (assembleDesk: guarded ports, shared services). Each use-case spec builds one.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuiltInPinAuthority } from '../../src/adapters/builtin-authority.js';
import { directoryFileSchema, type DirectoryFile } from '../../src/adapters/directory/directory-file.js';
import { FileDirectory } from '../../src/adapters/directory/file-directory.js';
import { openSqliteStore } from '../../src/adapters/sql/sqlite.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { DEMO_DIRECTORY_FILE, loadConfig } from '../../src/config.js';
import type { DeskSettings } from '../../src/desk/dependencies.js';
import type { RandomInt } from '../../src/domain/pin-generator.js';
import type { Turn } from '../../src/desk/turn.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { assembleDesk, deskSettingsOf, type AssembledDesk } from '../../src/open-desk.js';
import type { PolicyAuthority } from '../../src/ports/policy-authority.js';
import type { PinAuthority } from '../../src/ports/pin-authority.js';
import type { Store } from '../../src/ports/store.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { Sealer } from '../../src/security/sealer.js';

/** The demo directory, with switches to take groups away from a user or give them others (roles change between actions). */
export class ChangingDirectory extends FileDirectory {
  readonly removed = new Set<string>();
  /** Groups a user holds instead of their own, by account name. */
  readonly replaced = new Map<string, ReadonlySet<string>>();
  /** Accounts no longer enabled for Skype for Business, by account name. */
  readonly disabled = new Set<string>();
  override async groupsOf(user: DirectoryUser): Promise<ReadonlySet<string>> {
    if (this.removed.has(user.samAccountName)) return new Set();
    return this.replaced.get(user.samAccountName) ?? super.groupsOf(user);
  }
  override async getById(id: string): Promise<DirectoryUser | undefined> {
    const user = await super.getById(id);
    return user && this.disabled.has(user.samAccountName) ? { ...user, enabled: false } : user;
  }
}

export interface DeskFixture extends AssembledDesk {
  store: SqlStore;
  directory: ChangingDirectory;
  clock: { now: number; advance(ms: number): void };
  /** A 1:1 turn by a demo account (`pilar`, `anne`, `kmyer`, ...); override where it happens. */
  turn(samAccountName: string, where?: Partial<Turn>): Turn;
  /** The directory user behind a demo account. */
  user(samAccountName: string): Promise<DirectoryUser>;
  close(): Promise<void>;
}

export interface DeskFixtureOptions {
  settings?: Partial<DeskSettings>;
  env?: Record<string, string>;
  decorateStore?: (store: Store) => Store;
  /** The random source of generated PINs (default crypto.randomInt). */
  randomInt?: RandomInt;
  /** Where PIN policies live (default: the store's own table, as the built-in authority keeps them). */
  policies?: PolicyAuthority;
  /** Changes the demo directory before the desk uses it (extra accounts for a test). */
  directory?: (file: DirectoryFile) => DirectoryFile;
  /** A remote PIN authority (one that cannot join the store's transaction) instead of the built-in one. */
  remoteAuthority?: PinAuthority;
}

export async function deskFixture(options: DeskFixtureOptions = {}): Promise<DeskFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-desk-'));
  const config = loadConfig({ DATA_DIR: dataDir, ...options.env });
  const store = await openSqliteStore(dataDir);
  const demo = directoryFileSchema.parse(JSON.parse(await readFile(DEMO_DIRECTORY_FILE, 'utf8')));
  const directory = new ChangingDirectory(directoryFileSchema.parse(options.directory ? options.directory(demo) : demo));
  const clock = {
    now: Date.parse('2026-11-27T10:00:00Z'),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const hasher = new PinHasher(randomBytes(32));
  const assembled = assembleDesk(
    {
      directory,
      ...(options.remoteAuthority
        ? { authority: options.remoteAuthority, authorityIn: () => options.remoteAuthority! }
        : { authority: new BuiltInPinAuthority(store.db, hasher), authorityIn: (tx: SqlStore) => new BuiltInPinAuthority(tx.db, hasher) }),
      policies: options.policies,
      store,
      decorateStore: options.decorateStore,
      sealer: new Sealer(randomBytes(32)),
      clock: () => new Date(clock.now),
      randomInt: options.randomInt ?? ((max) => randomInt(max)),
      settings: { ...deskSettingsOf(config), ...options.settings },
    },
    config.verify,
  );
  let sequence = 0;
  return {
    ...assembled,
    store,
    directory,
    clock,
    turn: (sam, where = {}) => ({
      caller: { appearsAs: sam, trusted: true, account: { samAccountName: sam } },
      requestId: `turn-${++sequence}`,
      shared: false,
      privateReply: true,
      canReachPrivately: true,
      conversation: { id: `personal:${sam}`, channelId: 'emulator', reference: { conversation: { id: `personal:${sam}` } } },
      ...where,
    }),
    async user(sam) {
      const user = await directory.findAccount({ samAccountName: sam });
      if (!user) throw new Error(`no demo account ${sam}`);
      return user;
    },
    async close() {
      await store.close();
      await directory.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
