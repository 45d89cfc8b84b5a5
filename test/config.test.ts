import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_DIRECTORY_FILE, loadConfig } from '../src/config.js';

const key = Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('runs on the embedded default with nothing set, on loopback only', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, host: '127.0.0.1', production: false, revealTtlMs: 600_000, trustedChannels: '*' });
    expect(config.directory).toEqual({ kind: 'file', file: DEMO_DIRECTORY_FILE, isDemo: true });
    expect(config.roleGroups.CsHelpDesk).toBe('CsHelpDesk');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ REVEAL_TTL: 'ten minutes' }, /REVEAL_TTL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ PIN_SEAL_KEY: 'c2hvcnQ=' }, /PIN_SEAL_KEY/],
    [{ ALLOW_DEMO_DIRECTORY: 'maybe' }, /ALLOW_DEMO_DIRECTORY/],
    [{ PIN_HASH_KEYS_PREVIOUS: `${key},c2hvcnQ=` }, /PIN_HASH_KEYS_PREVIOUS: key 2 must be at least 32 bytes/],
    [{ PIN_SEAL_KEYS_PREVIOUS: Buffer.alloc(48, 1).toString('base64') }, /PIN_SEAL_KEYS_PREVIOUS: key 1 must be exactly 32 bytes/],
  ])('%o is refused, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
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
    const production = { MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret', PIN_HASH_KEY: key, PIN_SEAL_KEY: key, DIRECTORY_FILE: 'corp.json' };

    it('needs a password, keys and a real directory', () => {
      expect(() => loadConfig({ ...production, MICROSOFT_APP_PASSWORD: '' })).toThrow(/MICROSOFT_APP_PASSWORD/);
      expect(() => loadConfig({ ...production, PIN_HASH_KEY: '' })).toThrow(/PIN_HASH_KEY/);
      expect(() => loadConfig({ ...production, PIN_SEAL_KEY: undefined })).toThrow(/PIN_SEAL_KEY/);
      expect(() => loadConfig({ ...production, DIRECTORY_FILE: undefined })).toThrow(/ALLOW_DEMO_DIRECTORY/);
      expect(loadConfig({ ...production, DIRECTORY_FILE: undefined, ALLOW_DEMO_DIRECTORY: 'true' }).directory.isDemo).toBe(true);
      expect(() => loadConfig({ ...production, MICROSOFT_APP_TYPE: 'SingleTenant' })).toThrow(/MICROSOFT_APP_TENANT_ID/);
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

describe('.env.example', () => {
  it('lists every setting PinDesk reads, and nothing else', async () => {
    const { readFile } = await import('node:fs/promises');
    const { envSchema, PACKAGE_ROOT } = await import('../src/config.js');
    const text = await readFile(`${PACKAGE_ROOT}/.env.example`, 'utf8');
    const listed = [...text.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(Object.keys(envSchema.shape)));
  });
});
