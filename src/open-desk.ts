// The desk and everything under it, from configuration: keys, directory, store, PIN authority.
// Shared by the server (app.ts) and the command line, so both act on exactly the same things.
// Port failures are translated into desk errors here, once (ports/guarded.ts).
import { createHmac, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { BuiltInPinAuthority } from './adapters/builtin-authority.js';
import { openDirectory } from './adapters/open-directory.js';
import { loadKeys } from './adapters/secrets-file.js';
import { openSqliteStore } from './adapters/sql/sqlite.js';
import type { SqlStore } from './adapters/sql/sql-store.js';
import type { Config } from './config.js';
import { CardLocations } from './desk/card-locations.js';
import { buildDeskServices, type DeskDependencies, type DeskServices, type DeskSettings } from './desk/dependencies.js';
import { Desk } from './desk/desk.js';
import { PinVerifier, type VerifySettings } from './desk/pin-verifier.js';
import { RequestDelivery } from './desk/requests/request-delivery.js';
import type { RandomInt } from './domain/pin-generator.js';
import type { Directory } from './ports/directory.js';
import { guardAuthority, guardDirectory, guardStore } from './ports/guarded.js';
import type { Store } from './ports/store.js';
import { PinHasher } from './security/pin-hasher.js';
import { Sealer } from './security/sealer.js';

export interface AssembledDesk {
  desk: Desk;
  cards: CardLocations;
  requests: RequestDelivery;
  verifier: PinVerifier;
  /** The guarded ports and shared services the use cases run on. */
  services: DeskServices;
}

export interface OpenDesk extends AssembledDesk {
  store: SqlStore;
  directory: Directory;
  /** A keyed fingerprint of a text (from the PIN hashing key): stable, shared by instances, never the text. */
  fingerprint: (text: string) => string;
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
  const fingerprint = fingerprinter(keys.pinHash);
  const assembled = assembleDesk(
    {
      directory,
      authority: new BuiltInPinAuthority(store.db, new PinHasher(keys.pinHash)),
      store: options.decorateStore ? options.decorateStore(store) : store,
      sealer: new Sealer(keys.seal),
      clock: options.clock ?? (() => new Date()),
      randomInt: options.randomInt ?? ((max) => randomInt(max)),
      settings: deskSettingsOf(config),
    },
    { ...config.verify, fingerprint },
  );
  return {
    ...assembled,
    store,
    directory,
    fingerprint,
    async close() {
      await store.close();
      await directory.close();
    },
  };
}

/** The desk on given ports (raw): failures translated once here, then the shared services. */
export function assembleDesk(ports: DeskDependencies, verify: VerifySettings): AssembledDesk {
  const deps: DeskDependencies = {
    ...ports,
    directory: guardDirectory(ports.directory),
    authority: guardAuthority(ports.authority),
    store: guardStore(ports.store),
  };
  const services = buildDeskServices(deps);
  return {
    desk: new Desk(services),
    cards: new CardLocations(deps.store),
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

/** Fingerprints keyed by a key derived from `key` (so the key itself never keys anything else). */
export function fingerprinter(key: Buffer): (text: string) => string {
  const derived = createHmac('sha256', key).update('pindesk fingerprint v1').digest();
  return (text) => createHmac('sha256', derived).update(text).digest('base64url').slice(0, 16);
}
