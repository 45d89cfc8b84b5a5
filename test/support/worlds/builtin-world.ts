// The built-in authority's world: PINs (keyed hashes) and policies in PinDesk's own store (SQLite,
// or PostgreSQL with DATABASE_URL: read through the harness, whichever dialect).
import pino from 'pino';
import { loadKeys } from '../../../src/adapters/secrets-file.js';
import type { SqlStore } from '../../../src/adapters/sql/sql-store.js';
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
      const [row] = (await h.rows('select pin_hash from pin_records where user_id = ?', id)) as Array<{ pin_hash: string }>;
      return row !== undefined && (await hasher(h)).matches(id, pin, row.pin_hash);
    },
    async timesInHistory(h, sam, pin) {
      const id = await h.userId(sam);
      const rows = (await h.rows('select pin_hash from pin_history where user_id = ?', id)) as Array<{ pin_hash: string }>;
      const keyed = await hasher(h);
      return rows.filter((row) => keyed.matches(id, pin, row.pin_hash)).length;
    },
    withPinWritesFailing,
    failedWriteAnswer: /The PIN service failed, so nothing was changed/,
  };
}

async function withStore<T>(h: Harness, body: (store: SqlStore) => Promise<T>): Promise<T> {
  const store = await h.openStore();
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** The server's PIN hashing key, from the secrets file it generated in its data directory. */
async function hasher(h: Harness): Promise<PinHasher> {
  const keys = await loadKeys(h.dataDir, {}, pino({ level: 'silent' }), { mayCreate: false });
  return new PinHasher(keys.pinHash, keys.pinHashPrevious);
}

/**
 * Runs `body` while the database refuses every insert or update of a PIN record (triggers that
 * raise, added and dropped through a second connection, as a failing disk or a broken backend
 * would): a real store fault that leaves the rest of the store, the audit table included, working.
 */
async function withPinWritesFailing<T>(h: Harness, body: () => Promise<T>): Promise<T> {
  const postgres = h.config.database.kind === 'postgres';
  const [add, drop] = postgres
    ? [
        [
          "create function fault_pin_write() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$",
          'create trigger fault_pin_write before insert or update on pin_records for each row execute function fault_pin_write()',
        ],
        ['drop trigger if exists fault_pin_write on pin_records', 'drop function if exists fault_pin_write()'],
      ]
    : [
        [
          "create trigger fault_pin_insert before insert on pin_records begin select raise(abort, 'injected fault'); end",
          "create trigger fault_pin_update before update on pin_records begin select raise(abort, 'injected fault'); end",
        ],
        ['drop trigger if exists fault_pin_insert', 'drop trigger if exists fault_pin_update'],
      ];
  for (const statement of add) await h.rows(statement);
  try {
    return await body();
  } finally {
    for (const statement of drop) await h.rows(statement);
  }
}
