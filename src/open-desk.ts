// The desk and everything under it, from configuration: keys, directory, store, PIN authority.
// Shared by the server (app.ts) and the command line, so both act on exactly the same things.
// Port failures are translated into desk errors here, once (ports/guarded.ts).
import { createHmac, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { BuiltInPinAuthority } from './adapters/builtin-authority.js';
import { openDirectory } from './adapters/open-directory.js';
import { PowerShellWorker, workerEnvironment } from './adapters/sfb/powershell-worker.js';
import { SfbPinAuthority } from './adapters/sfb/sfb-authority.js';
import { checkKeys } from './adapters/key-checks.js';
import { loadKeys, type Keys } from './adapters/secrets-file.js';
import { SqlKeyChecks } from './adapters/sql/repositories/key-check-repository.js';
import { openStore } from './adapters/sql/open-store.js';
import type { SqlStore } from './adapters/sql/sql-store.js';
import type { Config, SfbSettings } from './config.js';
import { CardLocations } from './desk/card-locations.js';
import { buildDeskServices, type Atomically, type DeskDependencies, type DeskServices, type DeskSettings } from './desk/dependencies.js';
import { Desk } from './desk/desk.js';
import { PinVerifier, type VerifySettings } from './desk/pin-verifier.js';
import { RequestDelivery } from './desk/requests/request-delivery.js';
import { PinCardOutbox } from './desk/deliveries/pin-card-outbox.js';
import { maskDigits } from './domain/mask-digits.js';
import type { RandomInt } from './domain/pin-generator.js';
import type { Directory } from './ports/directory.js';
import type { PinAuthority } from './ports/pin-authority.js';
import { guardAuthority, guardDirectory, guardStore, type FailureObserver } from './ports/guarded.js';
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
  const store = await openStore(config.database, config.dataDir);
  let keys: Keys;
  try {
    keys = await openKeys(config, store, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  const directory = await openDirectory(config).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const hasher = new PinHasher(keys.pinHash, keys.pinHashPrevious);
  const fingerprint = fingerprinter(keys.pinHash);
  const sfb = config.authority.kind === 'sfb' ? await openSfb(config.authority, directory, log) : undefined;
  const assembled = assembleDesk(
    {
      directory,
      ...(sfb
        ? {
            authority: sfb.authority,
            // A call to the server cannot join the SQLite transaction: the same authority acts at
            // once. Reconciling after a crash between the server call and the recorded result
            // (an intent record, then LastPinChangeTime on restart) comes later (issue 13).
            authorityIn: () => sfb.authority,
          }
        : {
            authority: new BuiltInPinAuthority(store.db, hasher),
            // The built-in authority keeps PINs in the store: in a transaction, it writes through it.
            authorityIn: (tx: SqlStore) => new BuiltInPinAuthority(tx.db, hasher),
          }),
      store,
      decorateStore: options.decorateStore,
      sealer: new Sealer(keys.seal, keys.sealPrevious),
      clock: options.clock ?? (() => new Date()),
      randomInt: options.randomInt ?? ((max) => randomInt(max)),
      settings: deskSettingsOf(config),
    },
    { ...config.verify, fingerprint },
    {
      // A port that fails is logged here, once, with its cause (a full disk, a read-only database, an
      // unreachable directory); the chat answer only says that it failed.
      store: (err) => log.error({ err }, 'the store failed'),
      authority: (err) => log.error({ err }, 'the PIN authority failed'),
      directory: (err) => log.error({ err }, 'the directory failed'),
    },
  );
  return {
    ...assembled,
    store,
    directory,
    fingerprint,
    async close() {
      await sfb?.worker.close();
      await store.close();
      await directory.close();
    },
  };
}

/** One long-lived PowerShell worker, started (and the module imported) now, and the authority on it. */
async function openSfb(settings: SfbSettings, directory: Directory, log: Logger): Promise<{ worker: PowerShellWorker; authority: SfbPinAuthority }> {
  const worker = new PowerShellWorker({
    pwsh: settings.pwsh,
    script: settings.script,
    env: workerEnvironment(process.env, { SFB_MODULE: settings.module }),
    timeoutMs: settings.timeoutMs,
    onEvent: (event) => {
      if (event.type === 'started') log.info({ pid: event.pid, hash: event.hash, ms: event.ms }, 'Skype for Business worker ready');
      else if (event.type === 'killed') log.warn({ pid: event.pid, reason: event.reason }, 'Skype for Business worker killed');
      else if (event.type === 'exited') log.debug({ pid: event.pid, code: event.code, signal: event.signal }, 'Skype for Business worker exited');
      // The module's own console output is not ours to trust: digit runs that could be a PIN are masked.
      else log.debug({ pid: event.pid, stderr: maskDigits(event.text) }, 'Skype for Business worker stderr');
    },
  });
  // A worker that cannot start now is logged; the next operation tries again (and answers clearly).
  await worker.start().catch((err: unknown) => log.error({ err }, 'the Skype for Business worker could not start'));
  const authority = new SfbPinAuthority(worker, directory, (err) => log.error({ err: { kind: err.kind, message: err.message, ...err.details } }, 'the Skype for Business server refused'));
  return { worker, authority };
}

/**
 * The hashing and sealing keys, checked against the key check values the store keeps: a key that
 * matches neither the data's key nor a listed previous one stops the start, naming its variable.
 */
async function openKeys(config: Config, store: SqlStore, log: Logger): Promise<Keys> {
  const keys = await loadKeys(config.dataDir, config.keys, log, { mayCreate: !(await new SqlKeyChecks(store.db).any()) });
  await checkKeys(
    store.db,
    [
      { purpose: 'pin-hash', variable: 'PIN_HASH_KEY', previousVariable: 'PIN_HASH_KEYS_PREVIOUS', current: keys.pinHash, previous: keys.pinHashPrevious, source: keys.sources.pinHash },
      { purpose: 'seal', variable: 'PIN_SEAL_KEY', previousVariable: 'PIN_SEAL_KEYS_PREVIOUS', current: keys.seal, previous: keys.sealPrevious, source: keys.sources.seal },
    ],
    config.database.kind === 'postgres' ? `the database ${config.database.target}` : `DATA_DIR ${config.dataDir}`,
    log,
    new Date(),
  );
  return keys;
}

/** The raw ports a desk is assembled from. */
export interface DeskPorts<S extends Store> extends Omit<DeskDependencies, 'store' | 'atomically'> {
  store: S;
  /** The PIN authority whose writes join a transaction of this store. */
  authorityIn: (tx: S) => PinAuthority;
  /** Test seam: wraps every store the desk uses (race tests pause between a read and a write). */
  decorateStore?: ((store: Store) => Store) | undefined;
}

/** The desk on given ports (raw): failures translated once here (and told to `observe`), then the shared services. */
export function assembleDesk<S extends Store>(
  ports: DeskPorts<S>,
  verify: VerifySettings,
  observe: { store?: FailureObserver; authority?: FailureObserver; directory?: FailureObserver } = {},
): AssembledDesk {
  const { authorityIn, decorateStore, ...rest } = ports;
  const wrap = (store: Store) => guardStore(decorateStore ? decorateStore(store) : store, observe.store);
  const atomically: Atomically = (work) =>
    guardStore(ports.store, observe.store).transaction((tx) => work({ store: wrap(tx), authority: guardAuthority(authorityIn(tx), observe.authority) }));
  const deps: DeskDependencies = {
    ...rest,
    directory: guardDirectory(ports.directory, observe.directory),
    authority: guardAuthority(ports.authority, observe.authority),
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

/** Fingerprints keyed by a key derived from `key` (so the key itself never keys anything else). */
export function fingerprinter(key: Buffer): (text: string) => string {
  const derived = createHmac('sha256', key).update('pindesk fingerprint v1').digest();
  return (text) => createHmac('sha256', derived).update(text).digest('base64url').slice(0, 16);
}
