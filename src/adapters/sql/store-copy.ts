// `pindesk store copy`: moves an embedded deployment (SQLite) to PostgreSQL. Every data table is
// copied in one transaction on the target, in batches, and verified by its row count before it
// commits; a target that already holds data is refused unless replacing it is asked for. Tables a
// later migration adds are copied too: the list comes from the source's schema, not from here.
import { sql, type Kysely } from 'kysely';
import { continueIdentities } from './dialects.js';
import type { SqlStore } from './sql-store.js';

/** The store's machinery, not its data: each side keeps its own. */
const NOT_COPIED = new Set(['write_probe']);
/** Rows per insert (well under PostgreSQL's 65 535 parameters at PinDesk's widest table). */
const BATCH = 500;

/** The copy cannot go ahead as asked; nothing was written. */
export class StoreCopyRefused extends Error {}

export interface CopiedTable {
  table: string;
  rows: number;
}

export async function copyStore(from: SqlStore, to: SqlStore, options: { replace: boolean }): Promise<CopiedTable[]> {
  const source = from.db as Kysely<any>;
  const target = to.db as Kysely<any>;
  const [sourceVersion, targetVersion] = await Promise.all([newestMigration(source), newestMigration(target)]);
  if (sourceVersion !== targetVersion) throw new StoreCopyRefused(`the source's schema is at ${sourceVersion} and the target's at ${targetVersion}; run the same PinDesk version on both`);
  const tables = (await source.introspection.getTables()).map((t) => t.name).filter((name) => !NOT_COPIED.has(name)).sort();
  const targetTables = new Set((await target.introspection.getTables()).map((t) => t.name));
  const missing = tables.filter((name) => !targetTables.has(name));
  if (missing.length > 0) throw new StoreCopyRefused(`the target has no table ${missing.join(', ')}`);
  if (!options.replace) {
    const holding = [];
    for (const table of tables) if (await holdsData(target, table)) holding.push(table);
    if (holding.length > 0) throw new StoreCopyRefused(`the target already holds data (${holding.join(', ')}); copy into an empty database, or pass --replace to delete what it holds first`);
  }
  const copied: CopiedTable[] = [];
  for (const table of tables) copied.push({ table, rows: await copyTable(source, target, table) });
  return copied;
}

async function copyTable(source: Kysely<any>, target: Kysely<any>, table: string): Promise<number> {
  const expected = await count(source, table);
  return target.transaction().execute(async (trx) => {
    await trx.deleteFrom(table).execute();
    // The source is SQLite: page through it by rowid, which every table PinDesk creates has.
    let last = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const page = await sql<Record<string, unknown>>`select rowid as copy_rowid, * from ${sql.table(table)} where rowid > ${last} order by rowid limit ${BATCH}`.execute(source);
      if (page.rows.length === 0) break;
      last = Number(page.rows.at(-1)!.copy_rowid);
      await trx
        .insertInto(table)
        .values(page.rows.map(({ copy_rowid: _, ...row }) => row))
        .execute();
    }
    const written = await count(trx, table);
    if (written !== expected) throw new Error(`${table}: ${expected} rows in the source, ${written} written; nothing of ${table} was kept`);
    await continueIdentities(trx, table);
    return written;
  });
}

async function count(db: Kysely<any>, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rows beyond what a new database starts with (the Global policy at its defaults). */
async function holdsData(db: Kysely<any>, table: string): Promise<boolean> {
  let query = db.selectFrom(table).select(sql.lit(1).as('one')).limit(1);
  if (table === 'pin_policies') query = query.where('identity', '<>', 'Global');
  return (await query.executeTakeFirst()) !== undefined;
}

async function newestMigration(db: Kysely<any>): Promise<string | undefined> {
  const row = await db.selectFrom('kysely_migration').select('name').orderBy('name', 'desc').limit(1).executeTakeFirst();
  return row?.name as string | undefined;
}
