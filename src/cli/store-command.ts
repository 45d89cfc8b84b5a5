// `pindesk store copy --from <DATA_DIR or its pindesk.sqlite> [--to <postgres url>] [--replace]`:
// moves an embedded deployment to PostgreSQL. Without --to the target is DATABASE_URL, which keeps
// the database password out of the process list. Stop every PinDesk instance first.
import { statSync } from 'node:fs';
import path from 'node:path';
import { openPostgresStore } from '../adapters/sql/postgres.js';
import type { SqlStore } from '../adapters/sql/sql-store.js';
import { DATABASE_FILE, openSqliteStore } from '../adapters/sql/sqlite.js';
import { copyStore, StoreCopyRefused, type CopiedTable } from '../adapters/sql/store-copy.js';
import { ConfigError } from '../config-error.js';
import { databaseSettings } from '../database-settings.js';

export const STORE_COMMAND_HELP = `pindesk store copy --from <DATA_DIR or its ${DATABASE_FILE}> [--to <postgres://...>] [--replace] [--json]
  Copies the embedded SQLite store into PostgreSQL (the target is DATABASE_URL unless --to is given),
  every table in one transaction, verified by row counts. A target that holds data is refused unless
  --replace. Stop every PinDesk instance first; both stores are migrated to this version's schema.`;

export interface StoreCommandResult {
  code: number;
  json: unknown;
  text: string;
}

export async function storeCommand(args: string[], options: { from?: string | undefined; to?: string | undefined; replace?: boolean | undefined }): Promise<StoreCommandResult> {
  if (args[0] !== 'copy' || args.length > 1 || !options.from) throw new ConfigError(`Usage: ${STORE_COMMAND_HELP}`);
  const dataDir = sourceDir(options.from);
  const to = options.to ?? process.env.DATABASE_URL;
  if (!to) throw new ConfigError('--to: give the target (postgres://...), or set DATABASE_URL');
  const settings = databaseSettings({ ...process.env, DATABASE_URL: to });
  if (settings.kind !== 'postgres') throw new ConfigError('--to: a postgres:// URL');
  const source = await openSqliteStore(dataDir);
  let target: SqlStore | undefined;
  try {
    target = await openPostgresStore(settings);
    const copied = await copyStore(source, target, { replace: Boolean(options.replace) });
    return { code: 0, json: { from: path.join(dataDir, DATABASE_FILE), to: settings.target, tables: copied }, text: summary(copied, settings.target) };
  } catch (error) {
    if (error instanceof StoreCopyRefused) return { code: 1, json: { error: 'refused', message: error.message }, text: `Nothing copied: ${error.message}.` };
    throw error;
  } finally {
    await source.close();
    await target?.close();
  }
}

/** --from names DATA_DIR or the database file in it; the file must exist (a copy never creates one). */
function sourceDir(from: string): string {
  const resolved = path.resolve(from);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(resolved).isDirectory();
  } catch {
    throw new ConfigError(`--from: ${resolved} does not exist`);
  }
  const dir = isDirectory ? resolved : path.dirname(resolved);
  if (!isDirectory && path.basename(resolved) !== DATABASE_FILE) throw new ConfigError(`--from: give DATA_DIR or its ${DATABASE_FILE}, not ${path.basename(resolved)}`);
  try {
    statSync(path.join(dir, DATABASE_FILE));
  } catch {
    throw new ConfigError(`--from: no ${DATABASE_FILE} in ${dir}`);
  }
  return dir;
}

function summary(copied: CopiedTable[], target: string): string {
  const width = Math.max(...copied.map((t) => t.table.length));
  const total = copied.reduce((sum, t) => sum + t.rows, 0);
  return [`Copied to ${target}, each table verified by its row count:`, ...copied.map((t) => `  ${t.table.padEnd(width)}  ${t.rows}`), `  ${'total'.padEnd(width)}  ${total}`].join('\n');
}
