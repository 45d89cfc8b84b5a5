// The built-in authority's world: PINs (keyed hashes) and policies in PinDesk's own SQLite store.
import Database from 'better-sqlite3';
import path from 'node:path';
import pino from 'pino';
import { loadKeys } from '../../../src/adapters/secrets-file.js';
import { openSqliteStore } from '../../../src/adapters/sql/sqlite.js';
import type { PinPolicy } from '../../../src/domain/policy.js';
import { PinHasher } from '../../../src/security/pin-hasher.js';
import type { Harness } from '../harness.js';
import type { ConversationWorld } from './conversation-world.js';

export function builtinWorld(): ConversationWorld {
  return {
    name: 'built-in authority',
    env: () => ({}),
    setUp: async () => {},
    tearDown: async () => {},
    syncClock: async () => {},
    history: 'pindesk',
    verify: 'pindesk',
    async savePolicy(h, policy) {
      await withStore(h, (store) => store.policies.savePolicy(policy));
    },
    async grant(h, sam, tag) {
      const id = await h.userId(sam);
      await withStore(h, (store) => store.policies.grant(id, tag));
    },
    async policy(h, identity) {
      return withStore(h, async (store): Promise<PinPolicy | undefined> => (await store.policies.policies()).get(identity));
    },
    async grantOf(h, sam) {
      const id = await h.userId(sam);
      return withStore(h, (store) => store.policies.grantedTag(id));
    },
    async pinIs(h, sam, pin) {
      const id = await h.userId(sam);
      const row = read(h, (db) => db.prepare('select pin_hash from pin_records where user_id = ?').get(id) as { pin_hash: string } | undefined);
      return row !== undefined && (await hasher(h)).matches(id, pin, row.pin_hash);
    },
    async timesInHistory(h, sam, pin) {
      const id = await h.userId(sam);
      const rows = read(h, (db) => db.prepare('select pin_hash from pin_history where user_id = ?').all(id) as Array<{ pin_hash: string }>);
      const keyed = await hasher(h);
      return rows.filter((row) => keyed.matches(id, pin, row.pin_hash)).length;
    },
    withPinWritesFailing,
    failedWriteAnswer: /The PIN service failed, so nothing was changed/,
  };
}

async function withStore<T>(h: Harness, body: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(h.dataDir);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

function read<T>(h: Harness, body: (db: Database.Database) => T): T {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'), { readonly: true });
  try {
    return body(db);
  } finally {
    db.close();
  }
}

/** The server's PIN hashing key, from the secrets file it generated in its data directory. */
async function hasher(h: Harness): Promise<PinHasher> {
  const keys = await loadKeys(h.dataDir, {}, pino({ level: 'silent' }), { mayCreate: false });
  return new PinHasher(keys.pinHash, keys.pinHashPrevious);
}

/**
 * Runs `body` while the SQLite file refuses every insert or update of a PIN record (triggers that
 * raise, added and dropped through a second connection, as a failing disk or a broken backend
 * would): a real store fault that leaves the rest of the store, the audit table included, working.
 */
async function withPinWritesFailing<T>(h: Harness, body: () => Promise<T>): Promise<T> {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'));
  db.pragma('busy_timeout = 5000');
  try {
    db.exec(`
      create trigger fault_pin_insert before insert on pin_records begin select raise(abort, 'injected fault'); end;
      create trigger fault_pin_update before update on pin_records begin select raise(abort, 'injected fault'); end;
    `);
    return await body();
  } finally {
    db.exec('drop trigger if exists fault_pin_insert; drop trigger if exists fault_pin_update;');
    db.close();
  }
}
