// A throwaway PostgreSQL cluster for the benchmark, as test/support/postgres.ts starts one for the
// tests (that file is TypeScript; the bench runs plain node): initdb in a temporary directory,
// 127.0.0.1 on a free port, durability off (fsync, synchronous commit: nothing here must survive),
// as the `postgres` user under root (initdb refuses root). Undefined when no binaries are found.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

function binDir() {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return existsSync(path.join(dir, 'initdb')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function owner() {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'pindesk-pg']) {
    try {
      const id = (flag) => Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      // try the next
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'pindesk-pg']);
  return owner();
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a cluster; `createDatabase()` gives the URL of a new empty database on it. */
export async function startPostgres() {
  const bin = binDir();
  if (!bin) return undefined;
  const as = owner();
  const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-bench-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(path.join(dir, 'password'), password, { mode: 0o600 });
  if (as) for (const file of [dir, path.join(dir, 'password')]) chownSync(file, as.uid, as.gid);
  const options = { ...(as ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, stdio: 'ignore' };
  const port = await freePort();
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'pindesk', `--pwfile=${path.join(dir, 'password')}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'], options);
  const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  execFileSync(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start'], options);
  const url = (database) => `postgres://pindesk:${password}@127.0.0.1:${port}/${database}`;
  let count = 0;
  return {
    async createDatabase() {
      const name = `bench_${++count}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      return url(name);
    },
    stop() {
      try {
        execFileSync(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], options);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
