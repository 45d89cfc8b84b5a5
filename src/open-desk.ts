// The desk and everything under it, from configuration: keys, directory, store, PIN authority.
// Shared by the server (app.ts) and the command line, so both act on exactly the same things.
// Port failures are translated into desk errors here, once (ports/guarded.ts).
import { createHmac, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { BuiltInPinAuthority } from './adapters/builtin-authority.js';
import { openDirectory } from './adapters/open-directory.js';
import { BuiltInPolicies } from './adapters/builtin-policies.js';
import { checkKeys } from './adapters/key-checks.js';
import { loadKeys, type Keys } from './adapters/secrets-file.js';
import { SqlKeyChecks } from './adapters/sql/repositories/key-check-repository.js';
import { openStore } from './adapters/sql/open-store.js';
import type { SqlStore } from './adapters/sql/sql-store.js';
import type { Config } from './config.js';
import { CardLocations } from './desk/card-locations.js';
import { buildDeskServices, type Atomically, type DeskDependencies, type DeskServices, type DeskSettings } from './desk/dependencies.js';
import { Desk } from './desk/desk.js';
import { PinVerifier, type VerifySettings } from './desk/pin-verifier.js';
import { RequestDelivery } from './desk/requests/request-delivery.js';
import { PinCardOutbox } from './desk/deliveries/pin-card-outbox.js';
import { IntentReconciler } from './desk/intents/intent-reconciler.js';
import type { RandomInt } from './domain/pin-generator.js';
import type { Directory } from './ports/directory.js';
import { openSfb } from './open-sfb.js';
import type { PinAuthority } from './ports/pin-authority.js';
import type { PolicyAuthority } from './ports/policy-authority.js';
import { guardAuthority, guardDirectory, guardPolicies, guardStore, type FailureObserver } from './ports/guarded.js';
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
  /** Remote PIN changes whose outcome was not recorded (a crash, no answer): checked at start-up and by the sweep. */
  intents: IntentReconciler;
  /** The guarded ports and shared services the use cases run on. */
  services: DeskServices;
}

export interface OpenDesk extends AssembledDesk {
  store: SqlStore;
  directory: Directory;
  /** A keyed fingerprint of a text (from the PIN hashing key): stable, shared by instances, never the text. */
  fingerprint: (text: string) => string;
  /** Throws (a readiness reason) while the PIN authority cannot act: no warm Skype for Business worker. */
  authorityReady: () => Promise<void>;
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
  const sfb = config.authority.kind === 'sfb' ? await openSfb(config.authority, config.dataDir, directory, log) : undefined;
  const assembled = assembleDesk(
    {
      directory,
      ...(sfb
        ? {
            authority: sfb.authority,
            // Policies live on the server too: PinDesk's own policy table is not used.
            policies: sfb.policies,
            // A call to the server cannot join the SQLite transaction (joinsStoreTransaction is
            // false): the desk never calls it through `tx`, and records an intent around each PIN
            // set instead, reconciled after a crash (desk/intents).
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
    authorityReady: sfb ? sfb.ready : async () => {},
    async close() {
      await sfb?.worker.close();
      await store.close();
      await directory.close();
    },
  };
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
export interface DeskPorts<S extends Store> extends Omit<DeskDependencies, 'store' | 'atomically' | 'policies'> {
  store: S;
  /** Where PIN policies live; default: the store's own policy table (the built-in authority). */
  policies?: PolicyAuthority | undefined;
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
  const { authorityIn, decorateStore, policies, ...rest } = ports;
  const wrap = (store: Store) => guardStore(decorateStore ? decorateStore(store) : store, observe.store);
  // The built-in policies read the (guarded, decorated) store, as every other use of it does.
  const policiesOf = (store: Store) => guardPolicies(policies ?? new BuiltInPolicies(store.policies), observe.authority);
  const atomically: Atomically = (work) =>
    guardStore(ports.store, observe.store).transaction((tx) => {
      const store = wrap(tx);
      return work({ store, authority: guardAuthority(authorityIn(tx), observe.authority), policies: policiesOf(store) });
    });
  const store = wrap(ports.store);
  const deps: DeskDependencies = {
    ...rest,
    directory: guardDirectory(ports.directory, observe.directory),
    authority: guardAuthority(ports.authority, observe.authority),
    policies: policiesOf(store),
    store,
    atomically,
  };
  const services = buildDeskServices(deps);
  return {
    desk: new Desk(services),
    cards: new CardLocations(deps.store),
    outbox: new PinCardOutbox(services),
    requests: new RequestDelivery(services),
    verifier: new PinVerifier(deps, verify),
    intents: new IntentReconciler(services),
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
    deliveryLeaseMs: config.timers.deliveryLeaseMs,
  };
}

/** Fingerprints keyed by a key derived from `key` (so the key itself never keys anything else). */
export function fingerprinter(key: Buffer): (text: string) => string {
  const derived = createHmac('sha256', key).update('pindesk fingerprint v1').digest();
  return (text) => createHmac('sha256', derived).update(text).digest('base64url').slice(0, 16);
}
