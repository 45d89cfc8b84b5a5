import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_DIRECTORY_FILE, loadConfig } from '../src/config.js';

const key = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('runs on the embedded default with nothing set, on loopback only', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, host: '127.0.0.1', production: false, revealTtlMs: 600_000, trustedChannels: '*' });
    expect(config.directory).toEqual({ kind: 'file', file: DEMO_DIRECTORY_FILE, isDemo: true });
    expect(config.roleGroups.CsHelpDesk).toBe('CsHelpDesk');
    expect(config.timers).toEqual({ deliveryLeaseMs: 30_000, sweepIntervalMs: 30_000 });
    expect(loadConfig({ DELIVERY_LEASE: '2s', SWEEP_INTERVAL: '1m' }).timers).toEqual({ deliveryLeaseMs: 2_000, sweepIntervalMs: 60_000 });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ REVEAL_TTL: 'ten minutes' }, /REVEAL_TTL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DELIVERY_LEASE: 'soon' }, /DELIVERY_LEASE/],
    [{ DELIVERY_LEASE: '500ms' }, /DELIVERY_LEASE: must be at least 1s/],
    [{ DELIVERY_LEASE: '2h' }, /DELIVERY_LEASE: must be at most 1h/],
    [{ SWEEP_INTERVAL: '0' }, /SWEEP_INTERVAL: must be at least 1s/],
    [{ SWEEP_INTERVAL: '1d' }, /SWEEP_INTERVAL: must be at most 1h/],
    [{ PIN_SEAL_KEY: 'c2hvcnQ=' }, /PIN_SEAL_KEY/],
    [{ ALLOW_DEMO_DIRECTORY: 'maybe' }, /ALLOW_DEMO_DIRECTORY/],
    [{ PIN_HASH_KEYS_PREVIOUS: `${key},c2hvcnQ=` }, /PIN_HASH_KEYS_PREVIOUS: key 2 must be at least 32 bytes/],
    [{ PIN_SEAL_KEYS_PREVIOUS: Buffer.alloc(48, 1).toString('base64') }, /PIN_SEAL_KEYS_PREVIOUS: key 1 must be exactly 32 bytes/],
  ])('%o is refused, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('PIN_AUTHORITY: builtin by default; sfb over the local transport needs SFB_PWSH (ssh: test/sfb/ssh-settings.test.ts)', () => {
    expect(loadConfig({}).authority).toEqual({ kind: 'builtin' });
    expect(() => loadConfig({ PIN_AUTHORITY: 'teams' })).toThrow(/PIN_AUTHORITY/);
    // A Skype for Business setting without PIN_AUTHORITY=sfb: PINs would be set where nobody dials in.
    expect(() => loadConfig({ SFB_PWSH: process.execPath })).toThrow(/SFB_PWSH: set, but PIN_AUTHORITY is not sfb/);
    expect(() => loadConfig({ PIN_AUTHORITY: 'builtin', SFB_TRANSPORT: 'ssh', SFB_SSH_HOST: 'mgmt01' })).toThrow(/SFB_TRANSPORT: set, but PIN_AUTHORITY is not sfb; .* or remove SFB_TRANSPORT, SFB_SSH_HOST/);
    expect(() => loadConfig({ PIN_AUTHORITY: 'sfb' })).toThrow(/SFB_PWSH: required when PIN_AUTHORITY=sfb/);
    expect(() => loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: '/nonexistent/pwsh' })).toThrow(/SFB_PWSH: \/nonexistent\/pwsh does not exist/);
    expect(() => loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_TRANSPORT: 'ssh' })).toThrow(/SFB_SSH_HOST: required when SFB_TRANSPORT=ssh/);
    expect(() => loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_TIMEOUT: 'soon' })).toThrow(/SFB_TIMEOUT/);
    expect(loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath })).toMatchObject({
      authority: { kind: 'sfb', transport: 'local', pwsh: process.execPath, module: 'SkypeForBusiness', timeoutMs: 20_000 },
    });
    expect(loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_TIMEOUT: '5s', SFB_MODULE: '/opt/m' }).authority).toMatchObject({ module: '/opt/m', timeoutMs: 5000 });
    expect(loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath }).authority).toMatchObject({ workers: 1, queue: 16 });
    expect(loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_WORKERS: '4', SFB_QUEUE: '0' }).authority).toMatchObject({ workers: 4, queue: 0 });
    for (const bad of ['0', '17', '1.5', 'two']) expect(() => loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_WORKERS: bad })).toThrow(/SFB_WORKERS/);
    for (const bad of ['-1', '1001', 'many']) expect(() => loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_QUEUE: bad })).toThrow(/SFB_QUEUE/);
  });

  it('reads previous keys for rotation (issue 12, A.4)', () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    const config = loadConfig({ PIN_HASH_KEYS_PREVIOUS: ` ${key} , ${other} `, PIN_SEAL_KEYS_PREVIOUS: key });
    expect(config.keys.pinHashPrevious.map((k) => k.toString('base64'))).toEqual([key, other]);
    expect(config.keys.sealPrevious.map((k) => k.toString('base64'))).toEqual([key]);
    expect(loadConfig({}).keys).toMatchObject({ pinHashPrevious: [], sealPrevious: [] });
  });

  it('parses durations', () => {
    expect(loadConfig({ REVEAL_TTL: '90s' }).revealTtlMs).toBe(90_000);
    expect(loadConfig({ REVEAL_TTL: '2h' }).revealTtlMs).toBe(7_200_000);
    expect(loadConfig({ REVEAL_TTL: '300' }).revealTtlMs).toBe(300_000);
  });

  describe('production (app credentials present) fails closed', () => {
    const tenant = '9f3c2c57-3c5e-4a53-9c1f-1c2d3e4f5a6b';
    const production = { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', PIN_HASH_KEY: key, PIN_SEAL_KEY: key, DIRECTORY_FILE: 'corp.json', ALLOWED_TENANTS: tenant };

    it('needs a password, keys and a real directory', () => {
      expect(() => loadConfig({ ...production, MICROSOFT_APP_PASSWORD: '' })).toThrow(/MICROSOFT_APP_PASSWORD/);
      expect(() => loadConfig({ ...production, PIN_HASH_KEY: '' })).toThrow(/PIN_HASH_KEY/);
      expect(() => loadConfig({ ...production, PIN_SEAL_KEY: undefined })).toThrow(/PIN_SEAL_KEY/);
      expect(() => loadConfig({ ...production, DIRECTORY_FILE: undefined })).toThrow(/ALLOW_DEMO_DIRECTORY/);
      expect(loadConfig({ ...production, DIRECTORY_FILE: undefined, ALLOW_DEMO_DIRECTORY: 'true' }).directory.isDemo).toBe(true);
      expect(() => loadConfig({ ...production, MICROSOFT_APP_TYPE: 'SingleTenant' })).toThrow(/MICROSOFT_APP_TENANT_ID/);
    });

    it('needs ALLOWED_TENANTS: tenant ids, compared in lower case (issue 12, item 8)', () => {
      expect(() => loadConfig({ ...production, ALLOWED_TENANTS: undefined })).toThrow(/^ALLOWED_TENANTS: required in production/);
      expect(() => loadConfig({ ...production, ALLOWED_TENANTS: ' ' })).toThrow(/^ALLOWED_TENANTS: required in production/);
      expect(() => loadConfig({ ...production, ALLOWED_TENANTS: 'contoso.onmicrosoft.com' })).toThrow(/^ALLOWED_TENANTS: "contoso.onmicrosoft.com" is not a tenant id/);
      expect(loadConfig({ ...production, ALLOWED_TENANTS: ` ${tenant.toUpperCase()}, 0a1b2c3d-0000-4000-8000-000000000001 ` }).allowedTenants).toEqual(new Set([tenant, '0a1b2c3d-0000-4000-8000-000000000001']));
      expect(loadConfig({}).allowedTenants).toBeUndefined();
    });

    it('trusts no identity-by-name channel unless listed, and listens on all interfaces', () => {
      const config = loadConfig(production);
      expect(config.production).toBe(true);
      expect(config.trustedChannels).toEqual(new Set());
      expect(config.host).toBe('0.0.0.0');
      expect(loadConfig({ ...production, TRUSTED_CHANNELS: 'directline, WebChat' }).trustedChannels).toEqual(new Set(['directline', 'webchat']));
    });
  });
});

describe('no silent fail-open (issue 12, item 7)', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', 'pindesk.contoso.com'])('without credentials HOST=%s refuses to start, naming HOST', (host) => {
    expect(() => loadConfig({ HOST: host })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: host })).toThrow(/^HOST: .*not a loopback address.*ALLOW_UNAUTHENTICATED_NETWORK=true/);
  });

  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])('without credentials HOST=%s is fine', (host) => {
    expect(loadConfig({ HOST: host })).toMatchObject({ host: host.replace(/^\[(.*)\]$/, '$1'), production: false, unauthenticatedNetwork: false });
  });

  it('ALLOW_UNAUTHENTICATED_NETWORK=true allows it, explicitly', () => {
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_NETWORK: 'true' })).toMatchObject({ host: '0.0.0.0', unauthenticatedNetwork: true });
    expect(() => loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_NETWORK: 'false' })).toThrow(/HOST/);
  });

  it.each(['', ' ', '\t \n'])('a blank MICROSOFT_APP_ID (%j) refuses to start, naming it', (id) => {
    expect(() => loadConfig({ MICROSOFT_APP_ID: id, MICROSOFT_APP_PASSWORD: 'secret' })).toThrow(/^MICROSOFT_APP_ID: set but blank/);
    expect(() => loadConfig({ MICROSOFT_APP_ID: id })).toThrow(/^MICROSOFT_APP_ID/);
  });

  it('a MICROSOFT_APP_PASSWORD without an app id refuses to start, naming it', () => {
    expect(() => loadConfig({ MICROSOFT_APP_PASSWORD: 'secret' })).toThrow(/^MICROSOFT_APP_PASSWORD: set without MICROSOFT_APP_ID/);
  });
});

describe('verify API settings (issue 12, item 10)', () => {
  it('default to uniform answers and limits per key, overall and per number', () => {
    expect(loadConfig({}).verify).toMatchObject({
      answers: 'uniform',
      unknownUserResult: 'invalid',
      rates: { perKey: { limit: 600, windowMs: 60_000 }, total: { limit: 3000, windowMs: 60_000 }, perNumber: { limit: 5, windowMs: 60_000 } },
    });
  });

  it('rates are count/window', () => {
    expect(loadConfig({ VERIFY_RATE_PER_NUMBER: '3/30s', VERIFY_RATE_PER_KEY: '10000/1h' }).verify.rates).toMatchObject({ perNumber: { limit: 3, windowMs: 30_000 }, perKey: { limit: 10_000, windowMs: 3_600_000 } });
    for (const bad of ['5', '5 per minute', '0/1m', '5/2d', '5/0s']) expect(() => loadConfig({ VERIFY_RATE_PER_NUMBER: bad })).toThrow(/VERIFY_RATE_PER_NUMBER/);
  });

  it('telling unknown users apart needs detailed answers', () => {
    expect(() => loadConfig({ VERIFY_UNKNOWN_USER: 'unknown-user' })).toThrow(/^VERIFY_UNKNOWN_USER: .*VERIFY_ANSWERS=detailed/);
    expect(loadConfig({ VERIFY_UNKNOWN_USER: 'unknown-user', VERIFY_ANSWERS: 'detailed' }).verify.unknownUserResult).toBe('unknown-user');
  });
});

describe('.env.example', () => {
  it('lists every setting PinDesk reads, and nothing else', async () => {
    const { readFile } = await import('node:fs/promises');
    const { envSchema, PACKAGE_ROOT } = await import('../src/config.js');
    const { DATABASE_VARIABLES } = await import('../src/database-settings.js');
    const text = await readFile(`${PACKAGE_ROOT}/.env.example`, 'utf8');
    const listed = [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set([...Object.keys(envSchema.shape), ...DATABASE_VARIABLES]));
  });
});
