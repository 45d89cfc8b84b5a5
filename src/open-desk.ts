// The desk and everything under it, from configuration: keys, directory, store, PIN authority.
// Shared by the server (app.ts) and the command line, so both act on exactly the same things.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { BuiltInPinAuthority } from './adapters/builtin-authority.js';
import { openDirectory } from './adapters/open-directory.js';
import { loadKeys } from './adapters/secrets-file.js';
import { openSqliteStore } from './adapters/sql/sqlite.js';
import type { SqlStore } from './adapters/sql/sql-store.js';
import type { Config } from './config.js';
import { Desk, type DeskDependencies } from './desk/desk.js';
import { PinVerifier } from './desk/pin-verifier.js';
import type { RandomInt } from './domain/pin-generator.js';
import type { Directory } from './ports/directory.js';
import type { Store } from './ports/store.js';
import { PinHasher } from './security/pin-hasher.js';
import { Sealer } from './security/sealer.js';

export interface OpenDesk {
  desk: Desk;
  verifier: PinVerifier;
  deps: DeskDependencies;
  store: SqlStore;
  directory: Directory;
  close(): Promise<void>;
}

export interface OpenDeskOptions {
  clock?: () => Date;
  randomInt?: RandomInt;
  /** Test seam only: wraps the store the desk and verifier use (e.g. to pause between a read and a write). */
  decorateStore?: (store: Store) => Store;
}

export async function openDesk(config: Config, log: Logger, options: OpenDeskOptions = {}): Promise<OpenDesk> {
  const keys = await loadKeys(config.dataDir, config.keys, log);
  const directory = await openDirectory(config);
  const store = await openSqliteStore(config.dataDir);
  const deps: DeskDependencies = {
    directory,
    authority: new BuiltInPinAuthority(store.db, new PinHasher(keys.pinHash)),
    store: options.decorateStore?.(store) ?? store,
    sealer: new Sealer(keys.seal),
    clock: options.clock ?? (() => new Date()),
    randomInt: options.randomInt ?? ((max) => randomInt(max)),
    settings: {
      revealTtlMs: config.revealTtlMs,
      choiceTtlMs: config.choiceTtlMs,
      pickerLimit: config.pickerLimit,
      findLimit: config.findLimit,
      roleGroups: config.roleGroups,
      scopedRoles: config.scopedRoles,
      roleCacheTtlMs: config.roleCacheTtlMs,
      selfService: config.selfService,
    },
  };
  return {
    desk: new Desk(deps),
    verifier: new PinVerifier(deps, config.verify),
    deps,
    store,
    directory,
    async close() {
      await store.close();
      await directory.close();
    },
  };
}
