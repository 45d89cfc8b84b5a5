// What PinDesk keeps in DATA_DIR is readable by its owner only (issue 12, item 16): the SQLite
// database and its -wal and -shm files, and the generated keys in secrets.json — even when DATA_DIR
// already existed with 0755, and for a database an older version created 0644.
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKeys } from '../../src/adapters/secrets-file.js';
import { openSqliteStore } from '../../src/adapters/sql/sqlite.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pindesk-files-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

const mode = async (file: string) => (await stat(file)).mode & 0o777;
const DB_FILES = ['pindesk.sqlite', 'pindesk.sqlite-wal', 'pindesk.sqlite-shm'];

describe('file modes in DATA_DIR (item 16)', () => {
  it('the database, -wal and -shm are created 0600 in a DATA_DIR that exists with 0755', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o755);
    const store = await openSqliteStore(dataDir);
    try {
      await store.audit.append({ at: new Date(), actor: 'a', action: 'test', outcome: 'ok', requestId: 'r' });
      for (const file of DB_FILES) expect([file, (await mode(path.join(dataDir, file))).toString(8)]).toEqual([file, '600']);
    } finally {
      await store.close();
    }
  });

  it('a database an older version left 0644 (with its -wal and -shm) is made 0600 when opened', async () => {
    const dataDir = path.join(root, 'data');
    const old = await openSqliteStore(dataDir);
    await old.audit.append({ at: new Date(), actor: 'a', action: 'test', outcome: 'ok', requestId: 'r' });
    for (const file of DB_FILES) await chmod(path.join(dataDir, file), 0o644);
    const store = await openSqliteStore(dataDir);
    try {
      await store.audit.append({ at: new Date(), actor: 'a', action: 'test', outcome: 'ok', requestId: 'r2' });
      for (const file of DB_FILES) expect([file, (await mode(path.join(dataDir, file))).toString(8)]).toEqual([file, '600']);
    } finally {
      await store.close();
      await old.close();
    }
  });

  it('secrets.json is created 0600', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    await loadKeys(dataDir, {}, pino({ level: 'silent' }));
    expect((await mode(path.join(dataDir, 'secrets.json'))).toString(8)).toBe('600');
  });

  it('an existing secrets.json readable by others is made 0600', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir);
    const file = path.join(dataDir, 'secrets.json');
    await writeFile(file, JSON.stringify({ pinHashKey: Buffer.alloc(32, 1).toString('base64'), sealKey: Buffer.alloc(32, 2).toString('base64') }), { mode: 0o644 });
    await chmod(file, 0o644);
    await loadKeys(dataDir, {}, pino({ level: 'silent' }));
    expect((await mode(file)).toString(8)).toBe('600');
  });
});
