import { randomBytes } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadKeys } from '../../src/adapters/secrets-file.js';
import { PinHasher } from '../../src/security/pin-hasher.js';
import { SealOpenError, Sealer } from '../../src/security/sealer.js';

describe('Sealer', () => {
  const sealer = new Sealer(randomBytes(32));

  it('round-trips, and the sealed text hides the PIN', () => {
    const sealed = sealer.seal('730194', 'reveal:1:a');
    expect(sealed).not.toContain('730194');
    expect(sealer.open(sealed, 'reveal:1:a')).toBe('730194');
  });

  it('does not open for another row, a tampered value or another key', () => {
    const sealed = sealer.seal('730194', 'reveal:1:a');
    expect(() => sealer.open(sealed, 'reveal:1:b')).toThrow(SealOpenError);
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => sealer.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'reveal:1:a')).toThrow(SealOpenError);
    expect(() => new Sealer(randomBytes(32)).open(sealed, 'reveal:1:a')).toThrow(SealOpenError);
    expect(() => sealer.open('garbage', 'reveal:1:a')).toThrow(SealOpenError);
  });
});

describe('PinHasher', () => {
  it('is keyed: another key gives another hash', () => {
    const a = new PinHasher(randomBytes(32));
    const b = new PinHasher(randomBytes(32));
    expect(a.hash('u', '730194')).not.toBe(b.hash('u', '730194'));
    expect(a.matches('u', '730194', a.hash('u', '730194'))).toBe(true);
    expect(a.matches('u', '730195', a.hash('u', '730194'))).toBe(false);
  });
});

describe('local development keys', () => {
  it('are generated once, owner-only, and reused', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keys-'));
    const lines: string[] = [];
    const log = pino({}, { write: (l: string) => void lines.push(l) });
    const first = await loadKeys(dir, {}, log);
    const second = await loadKeys(dir, {}, log);
    expect(first.pinHash.equals(second.pinHash)).toBe(true);
    expect(first.seal).toHaveLength(32);
    expect((await stat(path.join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(lines.filter((l) => l.includes('generated local development keys'))).toHaveLength(1);
    expect(lines.join('')).not.toContain(first.seal.toString('base64'));
  });

  it('environment keys win', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keys-'));
    const pinHash = randomBytes(32);
    const seal = randomBytes(32);
    const keys = await loadKeys(dir, { pinHash, seal }, pino({ level: 'silent' }));
    expect(keys.pinHash.equals(pinHash) && keys.seal.equals(seal)).toBe(true);
  });
});

describe('key rotation (issue 12, A.4)', () => {
  it('PinHasher: hashes with the current key; a hash made with a previous key still matches, and says so', () => {
    const old = randomBytes(32);
    const current = randomBytes(32);
    const stored = new PinHasher(old).hash('u', '730194');
    const rotated = new PinHasher(current, [old]);
    expect(rotated.match('u', '730194', stored)).toBe('previous');
    expect(rotated.match('u', '730195', stored)).toBe(false);
    expect(rotated.hash('u', '730194')).toBe(new PinHasher(current).hash('u', '730194'));
    expect(rotated.match('u', '730194', rotated.hash('u', '730194'))).toBe('current');
    expect(new PinHasher(current).matches('u', '730194', stored)).toBe(false);
  });

  it('Sealer: seals with the current key; opens what a previous key sealed; not what another key sealed', () => {
    const old = randomBytes(32);
    const current = randomBytes(32);
    const sealedBefore = new Sealer(old).seal('730194', 'reveal:1:a');
    const rotated = new Sealer(current, [old]);
    expect(rotated.open(sealedBefore, 'reveal:1:a')).toBe('730194');
    expect(() => rotated.open(sealedBefore, 'reveal:1:b')).toThrow(SealOpenError);
    expect(new Sealer(current).open(rotated.seal('x', 'ad'), 'ad')).toBe('x');
    expect(() => new Sealer(current).open(sealedBefore, 'reveal:1:a')).toThrow(SealOpenError);
    expect(() => new Sealer(randomBytes(32), [randomBytes(32)]).open(sealedBefore, 'reveal:1:a')).toThrow(SealOpenError);
  });
});
