// DATABASE_URL and friends: SQLite unless set; every odd value stops the start naming its variable,
// never echoing the URL's password.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { databaseSettings } from '../src/database-settings.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-dbset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ca = path.join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const notPem = path.join(dir, 'not.pem');
writeFileSync(notPem, 'hello');
const REMOTE = 'postgres://pindesk:s3cret-pw@db.example.org:6432/pindesk';
/** Another host must say its sslmode; `disable` here, as these tests are not about TLS. */
const URL_ = `${REMOTE}?sslmode=disable`;

describe('database settings', () => {
  it('without DATABASE_URL the store is SQLite in DATA_DIR', () => {
    expect(databaseSettings({})).toEqual({ kind: 'sqlite' });
    expect(loadConfig({}).database).toEqual({ kind: 'sqlite' });
  });

  it('DATABASE_URL selects PostgreSQL; the target names host, port and database, not the password', () => {
    const settings = databaseSettings({ DATABASE_URL: URL_, DATABASE_POOL_SIZE: '25' });
    expect(settings).toEqual({ kind: 'postgres', url: REMOTE, target: 'db.example.org:6432/pindesk', poolSize: 25, statementTimeoutMs: 15_000, connectTimeoutMs: 5_000, tls: { mode: 'off' } });
    expect(loadConfig({ DATABASE_URL: URL_ }).database).toMatchObject({ kind: 'postgres', poolSize: 10, statementTimeoutMs: 15_000, connectTimeoutMs: 5_000 });
    expect(databaseSettings({ DATABASE_URL: URL_, DATABASE_STATEMENT_TIMEOUT: '1m', DATABASE_CONNECT_TIMEOUT: '2s' })).toMatchObject({ statementTimeoutMs: 60_000, connectTimeoutMs: 2_000 });
    expect(databaseSettings({ DATABASE_URL: 'postgresql://u@h/d?sslmode=require' })).toMatchObject({ target: 'h:5432/d' });
  });

  it('another host must say its sslmode (or give a CA); this machine need not', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.53']) {
      expect(databaseSettings({ DATABASE_URL: `postgres://u:p@${host}:5432/d` })).toMatchObject({ tls: { mode: 'off' } });
    }
    expect(databaseSettings({ DATABASE_URL: REMOTE, DATABASE_CA_FILE: ca })).toMatchObject({ tls: { mode: 'verify' } });
    expect(() => databaseSettings({ DATABASE_URL: 'postgres://u:p@10.0.0.5/d' })).toThrow(/sslmode/);
  });

  it('TLS from sslmode and DATABASE_CA_FILE; sslmode leaves the URL (pg would otherwise override the CA)', () => {
    expect(databaseSettings({ DATABASE_URL: `${REMOTE}?sslmode=verify-full` })).toMatchObject({ url: REMOTE, tls: { mode: 'verify', ca: undefined } });
    expect(databaseSettings({ DATABASE_URL: `${REMOTE}?sslmode=require` })).toMatchObject({ tls: { mode: 'verify' } });
    expect(databaseSettings({ DATABASE_URL: `${REMOTE}?sslmode=no-verify` })).toMatchObject({ tls: { mode: 'no-verify' } });
    expect(databaseSettings({ DATABASE_URL: `${REMOTE}?sslmode=disable` })).toMatchObject({ tls: { mode: 'off' } });
    const withCa = databaseSettings({ DATABASE_URL: REMOTE, DATABASE_CA_FILE: ca });
    expect(withCa).toMatchObject({ tls: { mode: 'verify' } });
    expect(withCa.kind === 'postgres' && withCa.tls.mode === 'verify' && withCa.tls.ca?.toString()).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    [{ DATABASE_URL: ' ' }, /^DATABASE_URL: set but blank/],
    [{ DATABASE_URL: REMOTE }, /^DATABASE_URL: add sslmode=verify-full \(or require, or disable to send everything unencrypted\) for db\.example\.org; without it the connection would not be encrypted/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL: not a URL/],
    [{ DATABASE_URL: 'mysql://u:s3cret-pw@h/d' }, /^DATABASE_URL: the scheme must be postgres:\/\/ or postgresql:\/\/, not mysql:\/\//],
    [{ DATABASE_URL: 'postgres://u:s3cret-pw@h' }, /^DATABASE_URL: no database name/],
    [{ DATABASE_URL: `${REMOTE}?sslmode=prefer` }, /^DATABASE_URL: sslmode=prefer is not supported; .*may fall back to an unencrypted connection/],
    [{ DATABASE_URL: `${REMOTE}?sslrootcert=/x.pem` }, /^DATABASE_URL: sslrootcert is not supported; use sslmode, and give the server's CA in DATABASE_CA_FILE/],
    [{ DATABASE_URL: `${REMOTE}?ssl=true` }, /^DATABASE_URL: ssl is not supported; use sslmode/],
    [{ DATABASE_URL: URL_, DATABASE_POOL_SIZE: '0' }, /^DATABASE_POOL_SIZE: a whole number from 1 to 100, not "0"/],
    [{ DATABASE_URL: URL_, DATABASE_STATEMENT_TIMEOUT: '500ms' }, /^DATABASE_STATEMENT_TIMEOUT: a duration from 1s to 120s, like 15s, not "500ms"/],
    [{ DATABASE_URL: URL_, DATABASE_CONNECT_TIMEOUT: 'soon' }, /^DATABASE_CONNECT_TIMEOUT: a duration from 1s to 60s, like 15s, not "soon"/],
    [{ DATABASE_STATEMENT_TIMEOUT: '15s' }, /^DATABASE_STATEMENT_TIMEOUT: only used with DATABASE_URL/],
    [{ DATABASE_URL: URL_, DATABASE_POOL_SIZE: '101' }, /^DATABASE_POOL_SIZE: /],
    [{ DATABASE_URL: URL_, DATABASE_POOL_SIZE: 'ten' }, /^DATABASE_POOL_SIZE: /],
    [{ DATABASE_URL: URL_, DATABASE_CA_FILE: path.join(dir, 'missing.pem') }, /^DATABASE_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/],
    [{ DATABASE_URL: URL_, DATABASE_CA_FILE: notPem }, /^DATABASE_CA_FILE: .*holds no PEM certificate/],
    [{ DATABASE_URL: URL_, DATABASE_CA_FILE: '' }, /^DATABASE_CA_FILE: set but blank/],
    [{ DATABASE_URL: `${REMOTE}?sslmode=disable`, DATABASE_CA_FILE: ca }, /^DATABASE_CA_FILE: set, but DATABASE_URL says sslmode=disable/],
    [{ DATABASE_POOL_SIZE: '5' }, /^DATABASE_POOL_SIZE: only used with DATABASE_URL/],
    [{ DATABASE_CA_FILE: ca }, /^DATABASE_CA_FILE: only used with DATABASE_URL/],
  ])('refuses bad value %#, naming the setting and never the password', (env, expected) => {
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(expected);
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});
