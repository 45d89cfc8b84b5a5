// A throwaway PostgreSQL cluster for the tests: initdb in a temporary directory, listening only on
// 127.0.0.1 at a free port (its socket in the same directory), durability off (fsync, synchronous
// commit, full pages: nothing here must survive a crash), one database per store. initdb refuses to
// run as root, so under root the cluster runs as the `postgres` user (Debian's package creates it),
// or a `pindesk-pg` system user created for it. Missing binaries: the suites skip locally with a loud
// banner and fail under CI=true (like test/support/sfb/pwsh.ts).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** PG_BIN, else the newest Debian cluster binaries, else pg_config's idea of them. */
export function postgresBinDir(): string | undefined {
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

let checked: boolean | undefined;
/** Whether the PostgreSQL suites can run; throws under CI when the server binaries are missing. */
export function postgresAvailable(): boolean {
  if (checked !== undefined) return checked;
  if (postgresBinDir()) return (checked = true);
  const message = 'PostgreSQL server binaries (initdb, pg_ctl) were not found (PG_BIN, /usr/lib/postgresql/*/bin or pg_config); the PostgreSQL store tests cannot run';
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING: ${message}.\n!!! .ci/run installs them (apt-get install postgresql), or set PG_BIN.\n${'!'.repeat(100)}\n`);
  return (checked = false);
}

export interface PostgresCluster {
  port: number;
  /** A new, empty database on the cluster; its postgres:// URL (password included). */
  createDatabase(): Promise<string>;
  /** The URL of an existing database. */
  url(database: string): string;
  /** Stops the server, keeping its data (an outage); `resume` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'pindesk';

export interface ClusterOptions {
  /** Serve TLS (as well as plain connections) with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string } | undefined;
}

export async function startPostgresCluster(clusterOptions: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const owner = clusterOwner();
  const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(path.join(dir, 'password'), password, { mode: 0o600 });
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(path.join(dir, 'password'), owner.uid, owner.gid);
  }
  const as = { ...(owner ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };
  const port = await freePort();
  const settings = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-k ${dir}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=200'];
  if (clusterOptions.tls) {
    // The server reads its key only if the key is its own and private.
    for (const [from, to] of [[clusterOptions.tls.certFile, 'server.crt'], [clusterOptions.tls.keyFile, 'server.key']] as const) {
      copyFileSync(from, path.join(dir, to));
      chmodSync(path.join(dir, to), 0o600);
      if (owner) chownSync(path.join(dir, to), owner.uid, owner.gid);
    }
    settings.push('-c ssl=on', `-c ssl_cert_file=${path.join(dir, 'server.crt')}`, `-c ssl_key_file=${path.join(dir, 'server.key')}`);
  }
  const options = settings.join(' ');
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, ...args], as).then(() => undefined);
  const startServer = () => pgCtl('-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start');
  const stopServer = () => pgCtl('-m', 'immediate', '-w', 'stop');
  let started = false;
  try {
    await run(path.join(bin, 'initdb'), ['-D', data, '-U', USER, `--pwfile=${path.join(dir, 'password')}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync', '--no-instructions'], as);
    rmSync(path.join(dir, 'password'));
    await startServer();
    started = true;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // A test process that ends without its afterAll (an error, a timeout, a kill) leaves no server
  // behind: a detached watcher stops the cluster and removes its directory once this process is gone.
  const reaper = `while [ -d /proc/${process.pid} ]; do sleep 1; done; '${path.join(bin, 'pg_ctl')}' -D '${data}' -m immediate -w stop; rm -rf '${dir}'`;
  spawn('sh', ['-c', reaper], { ...as, detached: true, stdio: 'ignore' }).unref();
  const url = (database: string) => `postgres://${USER}:${password}@127.0.0.1:${port}/${database}`;
  let count = 0;
  return {
    port,
    url,
    async createDatabase() {
      const name = `store_${process.pid}_${++count}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    // A clean shutdown: with synchronous_commit off, an immediate one could lose the last commits.
    pause: () => pgCtl('-m', 'fast', '-w', 'stop'),
    resume: startServer,
    async stop() {
      try {
        if (started) await stopServer();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Under root, the unprivileged user the cluster runs as (initdb refuses root); otherwise ourselves. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (user: string) => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return undefined;
    }
  };
  const found = lookup('postgres') ?? lookup('pindesk-pg');
  if (found) return found;
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'pindesk-pg']);
  return lookup('pindesk-pg');
}

/** A loopback port free right now (the cluster binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
