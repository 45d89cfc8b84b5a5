// Everything a running server's store holds, whichever dialect (SQLite or PostgreSQL): every value
// of every row of every table, the migration table included, as `table.column=value` text. For
// checks that something (a PIN, a huge input) was never stored. SQLite's own bookkeeping tables
// (sqlite_sequence, sqlite_stat1) hold only table names and numbers, and are left out.
import type { Kysely } from 'kysely';
import type { Harness } from './harness.js';

export async function storeDump(h: Pick<Harness, 'openStore'>): Promise<string[]> {
  const store = await h.openStore();
  try {
    const db = store.db as unknown as Kysely<any>;
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    const values: string[] = [];
    for (const { name } of tables) {
      for (const row of await db.selectFrom(name).selectAll().execute()) {
        for (const [column, value] of Object.entries(row)) values.push(`${name}.${column}=${asText(value)}`);
      }
    }
    return values;
  } finally {
    await store.close();
  }
}

/** Characters stored in all (the dump's length): grows with what is kept, whatever the dialect's file or page sizes. */
export async function storedCharacters(h: Pick<Harness, 'openStore'>): Promise<number> {
  return (await storeDump(h)).reduce((sum, value) => sum + value.length, 0);
}

function asText(value: unknown): string {
  return value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Date) ? JSON.stringify(value) : String(value);
}
