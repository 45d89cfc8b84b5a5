// The desk and everything under it, from configuration: keys, directory, store, PIN authority.
// Shared by the server (app.ts) and the command line, so both act on exactly the same things.
// Port failures are translated into desk errors here, once (ports/guarded.ts).
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { BuiltInPinAuthority } from './adapters/builtin-authority.js';
import { openDirectory } from './adapters/open-directory.js';
import { loadKeys } from './adapters/secrets-file.js';
import { openSqliteStore } from './adapters/sql/sqlite.js';
import type { SqlStore } from './adapters/sql/sql-store.js';
import type { Config } from './config.js';
import { CardLocations } from './desk/card-locations.js';
import { buildDeskServices, type Atomically, type DeskDependencies, type DeskServices, type DeskSettings } from './desk/dependencies.js';
import { Desk } from './desk/desk.js';
import { PinVerifier, type VerifySettings } from './desk/pin-verifier.js';
import { RequestDelivery } from './desk/requests/request-delivery.js';
import { PinCardOutbox } from './desk/deliveries/pin-card-outbox.js';
import type { RandomInt } from './domain/pin-generator.js';
import type { Directory } from './ports/directory.js';
import type { PinAuthority } from './ports/pin-authority.js';
import { guardAuthority, guardDirectory, guardStore } from './ports/guarded.js';
import type { Store } from './ports/store.js';
import { PinHasher } from './security/pin-hasher.js';
import { Sealer } from './security/sealer.js';

export interface AssembledDesk {
  desk: Desk;
  cards: CardLocations;
  /** PIN cards waiting for their private chat. */
  outbox: PinCardOutbox;
  requests: RequestDelivery;
  verifier: PinVerifier;
  /** The guarded ports and shared services the use cases run on. */
  services: DeskServices;
}

export interface OpenDesk extends AssembledDesk {
  store: SqlStore;
  directory: Directory;
  close(): Promise<void>;
}

export interface OpenDeskOptions {
  clock?: (() => Date) | undefined;
  randomInt?: RandomInt | undefined;
  /** Test seam: wraps the store the desk uses (to pause between a read and a write in race tests). */
  decorateStore?: ((store: Store) => Store) | undefined;
}

export async function openDesk(config: Config, log: Logger, options: OpenDeskOptions = {}): Promise<OpenDesk> {
  const keys = await loadKeys(config.dataDir, config.keys, log);
  const directory = await openDirectory(config);
  const store = await openSqliteStore(config.dataDir);
  const hasher = new PinHasher(keys.pinHash);
  const assembled = assembleDesk(
    {
      directory,
      authority: new BuiltInPinAuthority(store.db, hasher),
      // The built-in authority keeps PINs in the store: in a transaction, it writes through it.
      authorityIn: (tx) => new BuiltInPinAuthority(tx.db, hasher),
      store,
      decorateStore: options.decorateStore,
      sealer: new Sealer(keys.seal),
      clock: options.clock ?? (() => new Date()),
      randomInt: options.randomInt ?? ((max) => randomInt(max)),
      settings: deskSettingsOf(config),
    },
    config.verify,
  );
  return {
    ...assembled,
    store,
    directory,
    async close() {
      await store.close();
      await directory.close();
    },
  };
}

/** The raw ports a desk is assembled from. */
export interface DeskPorts<S extends Store> extends Omit<DeskDependencies, 'store' | 'atomically'> {
  store: S;
  /** The PIN authority whose writes join a transaction of this store. */
  authorityIn: (tx: S) => PinAuthority;
  /** Test seam: wraps every store the desk uses (race tests pause between a read and a write). */
  decorateStore?: ((store: Store) => Store) | undefined;
}

/** The desk on given ports (raw): failures translated once here, then the shared services. */
export function assembleDesk<S extends Store>(ports: DeskPorts<S>, verify: VerifySettings): AssembledDesk {
  const { authorityIn, decorateStore, ...rest } = ports;
  const wrap = (store: Store) => guardStore(decorateStore ? decorateStore(store) : store);
  const atomically: Atomically = (work) =>
    guardStore(ports.store).transaction((tx) => work({ store: wrap(tx), authority: guardAuthority(authorityIn(tx)) }));
  const deps: DeskDependencies = {
    ...rest,
    directory: guardDirectory(ports.directory),
    authority: guardAuthority(ports.authority),
    store: wrap(ports.store),
    atomically,
  };
  const services = buildDeskServices(deps);
  return {
    desk: new Desk(services),
    cards: new CardLocations(deps.store),
    outbox: new PinCardOutbox(services),
    requests: new RequestDelivery(services),
    verifier: new PinVerifier(deps, verify),
    services,
  };
}

export function deskSettingsOf(config: Config): DeskSettings {
  return {
    revealTtlMs: config.revealTtlMs,
    choiceTtlMs: config.choiceTtlMs,
    pickerLimit: config.pickerLimit,
    findLimit: config.findLimit,
    roleGroups: config.roleGroups,
    scopedRoles: config.scopedRoles,
    roleCacheTtlMs: config.roleCacheTtlMs,
    selfService: config.selfService,
  };
}
