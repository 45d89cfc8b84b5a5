import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/adapters/sql/sqlite.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';

/** A real SQLite store in a temporary directory. */
export async function tempStore(): Promise<{ store: SqlStore; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-store-'));
  const store = await openSqliteStore(dir);
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
