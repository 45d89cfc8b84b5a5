// Where the store lives: the embedded SQLite file in DATA_DIR (the default), or PostgreSQL when
// DATABASE_URL is set (several instances share it). Each bad value stops the start naming its
// variable; the URL's password never appears in a message.
import { ConfigError } from './config-error.js';
import { readSetting } from './setting-values.js';
import { anyDuration } from './setting-types.js';

/** The variables read here (config.ts reads the rest). */
export const DATABASE_VARIABLES = ['DATABASE_URL', 'DATABASE_POOL_SIZE', 'DATABASE_CA_FILE', 'DATABASE_STATEMENT_TIMEOUT', 'DATABASE_CONNECT_TIMEOUT'] as const;

export type DatabaseSettings = { kind: 'sqlite' } | PostgresSettings;

export interface PostgresSettings {
  kind: 'postgres';
  /** DATABASE_URL without its TLS parameters (those are in `tls`). */
  url: string;
  /** Host, port and database, for messages (never the password). */
  target: string;
  /** DATABASE_POOL_SIZE: connections per instance. */
  poolSize: number;
  /** DATABASE_STATEMENT_TIMEOUT: longest a statement may run (waits for the store-wide lock included). */
  statementTimeoutMs: number;
  /** DATABASE_CONNECT_TIMEOUT: longest wait for a connection (the pool's or a new one) before the store counts as unavailable. */
  connectTimeoutMs: number;
  /** From `sslmode` and DATABASE_CA_FILE: none, encrypted without checking the server, or verified (against the CA file, else the system's CAs). */
  tls: { mode: 'off' } | { mode: 'no-verify' } | { mode: 'verify'; ca?: Buffer | undefined };
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const MAX_POOL_SIZE = 100;

/** sslmode values PinDesk accepts: `prefer` and `allow` could fall back to clear text, so they are refused. */
const SSL_MODES = ['disable', 'no-verify', 'require', 'verify-ca', 'verify-full'] as const;

export function databaseSettings(env: NodeJS.ProcessEnv): DatabaseSettings {
  const raw = env.DATABASE_URL;
  if (raw === undefined) {
    for (const name of DATABASE_VARIABLES.slice(1)) {
      if (env[name] !== undefined) throw new ConfigError(`${name}: only used with DATABASE_URL (PostgreSQL); unset it, or set DATABASE_URL`);
    }
    return { kind: 'sqlite' };
  }
  // A blank URL is most likely a secret that did not arrive: an instance on its own SQLite file
  // beside others sharing PostgreSQL would split the data, so refuse.
  if (raw.trim() === '') throw new ConfigError('DATABASE_URL: set but blank; give postgres://user:password@host:port/database, or unset it for the embedded SQLite store');
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError('DATABASE_URL: not a URL; give postgres://user:password@host:port/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError(`DATABASE_URL: the scheme must be postgres:// or postgresql://, not ${url.protocol}//`);
  if (!url.hostname) throw new ConfigError('DATABASE_URL: no host; give postgres://user:password@host:port/database');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new ConfigError('DATABASE_URL: no database name; give postgres://user:password@host:port/database');
  for (const param of ['sslcert', 'sslkey', 'sslrootcert', 'sslpassword', 'ssl']) {
    if (url.searchParams.has(param)) throw new ConfigError(`DATABASE_URL: ${param} is not supported; use sslmode, and give the server's CA in DATABASE_CA_FILE (client certificates are not supported)`);
  }
  const sslmode = url.searchParams.get('sslmode') ?? undefined;
  if (sslmode !== undefined && !(SSL_MODES as readonly string[]).includes(sslmode)) {
    throw new ConfigError(`DATABASE_URL: sslmode=${sslmode} is not supported; use ${SSL_MODES.join(', ')} (prefer and allow may fall back to an unencrypted connection)`);
  }
  url.searchParams.delete('sslmode');
  const caFile = env.DATABASE_CA_FILE;
  if (caFile !== undefined && caFile.trim() === '') throw new ConfigError('DATABASE_CA_FILE: set but blank; give the path of the PEM file of the CA that signed the database server\'s certificate');
  const ca = caFile === undefined ? undefined : pemCertificates('DATABASE_CA_FILE', caFile.trim());
  if (ca && (sslmode === 'disable' || sslmode === 'no-verify')) throw new ConfigError(`DATABASE_CA_FILE: set, but DATABASE_URL says sslmode=${sslmode}; remove one of them`);
  // Without sslmode, pg connects unencrypted: fine on this machine, but the password and every
  // sealed value would cross a network in clear text, so another host must say what it wants.
  if (sslmode === undefined && !ca && !isLoopback(url.hostname)) {
    throw new ConfigError(`DATABASE_URL: add sslmode=verify-full (or require, or disable to send everything unencrypted) for ${url.hostname}; without it the connection would not be encrypted`);
  }
  const tls: PostgresSettings['tls'] =
    sslmode === 'no-verify' ? { mode: 'no-verify' } : ca || (sslmode !== undefined && sslmode !== 'disable') ? { mode: 'verify', ca } : { mode: 'off' };
  return {
    kind: 'postgres',
    url: url.toString(),
    target: `${url.hostname}:${url.port || '5432'}/${database}`,
    poolSize: poolSize(env.DATABASE_POOL_SIZE),
    // Under a second, ordinary waits for the store-wide lock would fail; past the chat's own deadlines, nobody is left waiting.
    statementTimeoutMs: timeout('DATABASE_STATEMENT_TIMEOUT', env.DATABASE_STATEMENT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT_MS, 1_000, 120_000),
    connectTimeoutMs: timeout('DATABASE_CONNECT_TIMEOUT', env.DATABASE_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_MS, 1_000, 60_000),
    tls,
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function poolSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_POOL_SIZE;
  const size = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || size < 1 || size > MAX_POOL_SIZE) throw new ConfigError(`DATABASE_POOL_SIZE: a whole number from 1 to ${MAX_POOL_SIZE}, not "${value}"`);
  return size;
}

function timeout(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = anyDuration.safeParse(value);
  if (!parsed.success || parsed.data < min || parsed.data > max) throw new ConfigError(`${name}: a duration from ${min / 1000}s to ${max / 1000}s, like 15s, not "${value}"`);
  return parsed.data;
}

function pemCertificates(name: string, file: string): Buffer {
  const pem = readSetting(name, file);
  if (!pem.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`${name}: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
