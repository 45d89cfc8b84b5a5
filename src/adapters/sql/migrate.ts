// Brings the schema up to date at start-up, in one transaction: all pending migrations apply or
// none does. Several instances starting together take turns (dialects.ts `lockForMigrations`); a
// database already migrated by a newer PinDesk is refused before anything is touched.
import type { Kysely } from 'kysely';
import { lockForMigrations } from './dialects.js';
import { migrations } from './migrations.js';

/** The table Kysely's Migrator kept (same name and columns), so databases it migrated carry on. */
const MIGRATION_TABLE = 'kysely_migration';

/** The database holds migrations this build does not know: a newer PinDesk has migrated it. */
export class SchemaNewerError extends Error {}

export function knownMigrations(): string[] {
  return Object.keys(migrations).sort();
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const known = knownMigrations();
  await db.transaction().execute(async (trx) => {
    await lockForMigrations(trx);
    await trx.schema
      .createTable(MIGRATION_TABLE)
      .ifNotExists()
      .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
      .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
      .execute();
    const applied = (await trx.selectFrom(MIGRATION_TABLE).select('name').orderBy('name').execute()).map((row) => String(row.name));
    const unknown = applied.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new SchemaNewerError(
        `its schema is newer than this PinDesk knows: migration ${unknown.join(', ')} was applied by a later version (this one knows up to ${known.at(-1)}); run that version or a later one, or restore a backup taken before the upgrade`,
      );
    }
    applied.forEach((name, i) => {
      if (known[i] !== name) throw new Error(`database migrations out of order: ${name} is applied but ${known[i]} is not`);
    });
    for (const name of known.slice(applied.length)) {
      try {
        await migrations[name]!.up(trx);
      } catch (error) {
        throw new Error(`database migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      await trx.insertInto(MIGRATION_TABLE).values({ name, timestamp: new Date().toISOString() }).execute();
    }
  });
}
