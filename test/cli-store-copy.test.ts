// `pindesk store copy` as a subprocess (npm test builds dist first): an embedded DATA_DIR moves to
// PostgreSQL (DATABASE_URL, so no password in the process list), a second copy is refused with
// exit 1 unless --replace, and bad arguments stop with exit 2 naming the option.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/adapters/sql/sqlite.js';
import { PACKAGE_ROOT } from '../src/config.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './support/postgres.js';

const exec = promisify(execFile);

async function pindesk(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'), ...args], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.runIf(postgresAvailable())('pindesk store copy', () => {
  let cluster: PostgresCluster;
  let dataDir: string;
  let url: string;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    url = await cluster.createDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-copy-'));
    const store = await openSqliteStore(dataDir);
    for (let i = 0; i < 3; i++) await store.audit.append({ at: new Date(), actor: 'a', action: 'set-pin', outcome: 'ok', requestId: String(i) });
    await store.close();
  });
  afterAll(async () => {
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('copies DATA_DIR into DATABASE_URL; a second copy is refused (exit 1) unless --replace', async () => {
    const first = await pindesk({ DATABASE_URL: url }, 'store', 'copy', '--from', dataDir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Copied to 127.0.0.1:${cluster.port}/`);
    expect(first.stdout).toMatch(/^ {2}audit +3$/m);
    expect(first.stdout).toMatch(/^ {2}pin_policies +1$/m);
    expect(first.stdout).not.toContain(new URL(url).password);

    const again = await pindesk({ DATABASE_URL: url }, 'store', 'copy', '--from', path.join(dataDir, 'pindesk.sqlite'));
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('Nothing copied: the target already holds data (audit); copy into an empty database, or pass --replace to delete what it holds first.\n');

    const replaced = await pindesk({}, 'store', 'copy', '--from', dataDir, '--to', url, '--replace', '--json');
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout).tables).toContainEqual({ table: 'audit', rows: 3 });
  });

  it.each([
    [['store', 'copy', '--from', '/nonexistent/pindesk'], { DATABASE_URL: 'postgres://u@127.0.0.1/d' }, /^--from: \/nonexistent\/pindesk does not exist/],
    [['store', 'copy', '--from', '.'], {}, /^--from: no pindesk\.sqlite in /],
    [['store', 'copy'], {}, /^Usage: pindesk store copy --from/],
    [['store', 'move', '--from', '.'], {}, /^Usage: pindesk store copy --from/],
  ])('%j stops with exit 2 naming what is wrong', async (args, env, expected) => {
    const result = await pindesk(env, ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
  });

  it('without --to or DATABASE_URL it says where the target comes from', async () => {
    const result = await pindesk({}, 'store', 'copy', '--from', dataDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--to: give the target \(postgres:\/\/\.\.\.\), or set DATABASE_URL/);
  });
});
