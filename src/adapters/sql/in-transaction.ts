// Kysely has no nested transactions: a repository step that must be atomic runs in the store
// transaction it is part of, or in a transaction of its own when it runs alone.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function inTransaction<T>(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
