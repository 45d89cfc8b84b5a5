// Schema migrations, run at start-up (migrate.ts) on SQLite and PostgreSQL alike. Append new ones,
// named so they sort after the last; never edit one that has shipped. Each runs inside the one
// migration transaction (no commit of its own, nothing that cannot run in a transaction such as
// `create index concurrently`). Portable only: Kysely's schema builder with text, integer, bigint;
// flags as integer 0/1; times as epoch-millisecond bigint (integer is 32-bit on PostgreSQL); JSON as
// text; `autoIncrement()` only on an integer primary key (dialects.ts makes it a PostgreSQL
// identity). No raw SQL of one dialect (pragma, `insert or ignore`, serial, boolean). PostgreSQL
// refuses bound values in DDL: the schema builder writes its values inline (0003's partial index),
// a raw sql`` template in DDL needs `sql.lit(value)`. Then run test/adapters/store-migrations.test.ts.
import { sql, type Kysely, type Migration } from 'kysely';
import { GLOBAL_DEFAULTS, GLOBAL_POLICY_IDENTITY } from '../../domain/policy.js';

export const migrations: Record<string, Migration> = {
  '0001-initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('pin_policies')
        .addColumn('identity', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db
        .insertInto('pin_policies')
        .values({ identity: GLOBAL_POLICY_IDENTITY, settings: JSON.stringify(GLOBAL_DEFAULTS), updated_at: Date.now() })
        .execute();
      await db.schema
        .createTable('policy_grants')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('tag', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('pin_records')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('pin_hash', 'text')
        .addColumn('pin_length', 'integer')
        .addColumn('set_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('admin_locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failure_locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('temporary_lock_until', 'bigint')
        .addColumn('local_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('global_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('window_started_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('pin_history')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('pin_hash', 'text', (c) => c.notNull())
        .addColumn('set_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pin_history_user').on('pin_history').columns(['user_id', 'set_at']).execute();
      await db.schema
        .createTable('reveals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('addressee_id', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('card', 'text')
        .execute();
      await db.schema.createIndex('reveals_expiry').on('reveals').column('expires_at').execute();
      await db.schema
        .createTable('continuations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('card', 'text')
        .execute();
      await db.schema.createIndex('continuations_expiry').on('continuations').column('expires_at').execute();
      await db.schema
        .createTable('conversations')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversations_pk', ['user_id', 'channel_id'])
        .execute();
      await db.schema
        .createTable('audit')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_at').on('audit').column('at').execute();
      await db.schema.createIndex('audit_actor').on('audit').columns(['actor', 'at']).execute();
      await db.schema.createIndex('audit_target').on('audit').columns(['target', 'at']).execute();
    },
  },
  '0002-saved-searches': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('saved_searches')
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('search', 'text', (c) => c.notNull())
        .addColumn('saved_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('saved_searches_pk', ['owner_id', 'name'])
        .execute();
    },
  },
  '0003-self-service': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('pin_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('requester_name', 'text', (c) => c.notNull())
        .addColumn('requester_upn', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('decided_by_id', 'text')
        .addColumn('decided_by_name', 'text')
        .addColumn('decision_note', 'text')
        .execute();
      // One pending request per user, enforced by the database (not by a check-then-insert).
      await db.schema.createIndex('pin_requests_one_pending').on('pin_requests').column('requester_id').unique().where(sql.ref('state'), '=', 'pending').execute();
      await db.schema.createIndex('pin_requests_requester').on('pin_requests').columns(['requester_id', 'created_at']).execute();
      await db.schema.createIndex('pin_requests_pending').on('pin_requests').columns(['state', 'expires_at']).execute();
      await db.schema
        .createTable('request_cards')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('card', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_cards_request').on('request_cards').column('request_id').execute();
      await db.schema
        .createTable('approval_channels')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('registered_by', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  '0004-delivery-outbox': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('reveals').addColumn('revealed_at', 'bigint').execute();
      await db.schema.createIndex('reveals_addressee').on('reveals').columns(['addressee_id', 'expires_at']).execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reveal_id', 'text', (c) => c.notNull())
        .addColumn('addressee_id', 'text', (c) => c.notNull())
        .addColumn('conversation', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('activity_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_reveal').on('deliveries').column('reveal_id').execute();
    },
  },
  '0005-key-checks-and-write-probe': {
    async up(db: Kysely<any>) {
      // A keyed fingerprint of each hashing / sealing key the data was written under (never the key):
      // a start with a key that matches none refuses, naming the variable (adapters/key-checks.ts).
      await db.schema
        .createTable('key_checks')
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('check_value', 'text', (c) => c.notNull())
        .addColumn('first_used_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('key_checks_pk', ['purpose', 'check_value'])
        .execute();
      // One row rewritten by every readiness probe: /readyz answers 503 when the store cannot write.
      await db.schema
        .createTable('write_probe')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0006-pin-intents': {
    async up(db: Kysely<any>) {
      // A PIN change on a remote authority (Skype for Business), recorded before the server call and
      // removed when its outcome is recorded; what a crash leaves behind is checked by the sweep.
      await db.schema
        .createTable('pin_intents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('target_sip', 'text')
        .addColumn('target_name', 'text', (c) => c.notNull())
        .addColumn('addressee_id', 'text', (c) => c.notNull())
        .addColumn('reveal_id', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text')
        .addColumn('audit', 'text')
        .addColumn('before_mark', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('settle_by', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'bigint')
        .execute();
      await db.schema.createIndex('pin_intents_settle').on('pin_intents').column('settle_by').execute();
      await db.schema.createIndex('pin_intents_reveal').on('pin_intents').column('reveal_id').execute();
      // A delivery may carry a notice ('pin-not-set') instead of the PIN card.
      await db.schema.alterTable('deliveries').addColumn('notice', 'text').execute();
    },
  },
  '0007-request-notices': {
    async up(db: Kysely<any>) {
      // What a request's change still owes people (cards redrawn, a note to the requester), written
      // with the change; carried under a lease by one instance, retried until done or given up.
      await db.schema
        .createTable('request_notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('give_up_at', 'bigint', (c) => c.notNull())
        .addColumn('leased_until', 'bigint')
        .addColumn('lease_token', 'text')
        .addColumn('note_sent_at', 'bigint')
        .addColumn('dropped', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_notices_due').on('request_notices').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('request_notices_request').on('request_notices').column('request_id').execute();
    },
  },
};
