import { describe, expect, it } from 'vitest';
import { GLOBAL_DEFAULTS, pinExpiry, pinPolicySettingsSchema, resolveEffectivePolicy, type PinPolicy } from '../../src/domain/policy.js';

const policy = (identity: string, settings: Partial<PinPolicy> = {}): PinPolicy => ({ identity, ...GLOBAL_DEFAULTS, ...settings });
const all = new Map(
  [policy('Global'), policy('site:Redmond', { minPasswordLength: 6 }), policy('tag:StrictPin', { minPasswordLength: 8, pinHistoryCount: 5 })].map((p) => [p.identity, p]),
);

describe('effective policy: per-user tag, then site, then Global', () => {
  it.each([
    [{ grantedTag: 'StrictPin', site: 'Redmond' }, 'tag:StrictPin', 'tag'],
    [{ site: 'Redmond' }, 'site:Redmond', 'site'],
    [{ site: 'Dublin' }, 'Global', 'global'],
    [{}, 'Global', 'global'],
    // A grant pointing at a removed policy falls through, as revoking would.
    [{ grantedTag: 'Removed', site: 'Redmond' }, 'site:Redmond', 'site'],
  ])('%o → %s', (lookup, identity, scope) => {
    const effective = resolveEffectivePolicy(lookup, all);
    expect(effective.policy.identity).toBe(identity);
    expect(effective.scope).toBe(scope);
  });

  it('Global always exists, with the Skype for Business defaults', () => {
    const effective = resolveEffectivePolicy({}, new Map());
    expect(effective.policy).toEqual({ identity: 'Global', minPasswordLength: 5, pinHistoryCount: 0, pinLifetimeDays: 0, allowCommonPatterns: false });
  });
});

describe('policy settings follow the documented ranges', () => {
  const valid = { ...GLOBAL_DEFAULTS };
  it.each([
    [{ minPasswordLength: 3 }, false],
    [{ minPasswordLength: 4 }, true],
    [{ minPasswordLength: 24 }, true],
    [{ minPasswordLength: 25 }, false],
    [{ pinHistoryCount: 21 }, false],
    [{ pinLifetimeDays: 1000 }, false],
    [{ pinLifetimeDays: 90 }, false],
    [{ pinLifetimeDays: 90, pinHistoryCount: 1 }, true],
    [{ maximumLogonAttempts: 0 }, false],
    [{ maximumLogonAttempts: 999 }, true],
  ])('%o valid: %s', (change, ok) => {
    expect(pinPolicySettingsSchema.safeParse({ ...valid, ...change }).success).toBe(ok);
  });
});

describe('pinExpiry', () => {
  it('never expires with lifetime 0, else after N days', () => {
    const at = new Date('2026-11-27T10:00:00Z');
    expect(pinExpiry(at, GLOBAL_DEFAULTS)).toBeUndefined();
    expect(pinExpiry(at, { ...GLOBAL_DEFAULTS, pinLifetimeDays: 90, pinHistoryCount: 1 })?.toISOString()).toBe('2027-02-25T10:00:00.000Z');
  });
});

describe('effective policy without a grant or a site', () => {
  it('never looks up a policy named after a missing value', () => {
    const odd = new Map([policy('tag:undefined', { minPasswordLength: 9 }), policy('site:undefined', { minPasswordLength: 10 })].map((p) => [p.identity, p]));
    expect(resolveEffectivePolicy({}, odd)).toEqual({ policy: { identity: 'Global', ...GLOBAL_DEFAULTS }, scope: 'global' });
    expect(resolveEffectivePolicy({ grantedTag: '', site: '' }, odd).scope).toBe('global');
  });

  it('the Global policy in the store replaces the defaults', () => {
    const stored = new Map([['Global', policy('Global', { minPasswordLength: 7 })]]);
    expect(resolveEffectivePolicy({ site: 'Dublin' }, stored)).toEqual({ policy: policy('Global', { minPasswordLength: 7 }), scope: 'global' });
  });

  it('Global defaults: 5 digits, no history, no lifetime, no common patterns', () => {
    expect(GLOBAL_DEFAULTS).toEqual({ minPasswordLength: 5, pinHistoryCount: 0, pinLifetimeDays: 0, allowCommonPatterns: false });
    expect(Object.isFrozen(GLOBAL_DEFAULTS)).toBe(true);
  });
});

describe('policy settings, every bound', () => {
  const valid = { ...GLOBAL_DEFAULTS };
  it.each([
    [{ pinHistoryCount: 0 }, true],
    [{ pinHistoryCount: 20 }, true],
    [{ pinHistoryCount: -1 }, false],
    [{ pinLifetimeDays: 999, pinHistoryCount: 1 }, true],
    [{ pinLifetimeDays: -1 }, false],
    [{ maximumLogonAttempts: 1 }, true],
    [{ maximumLogonAttempts: 1000 }, false],
    [{ minPasswordLength: 5.5 }, false],
    [{ description: 'x'.repeat(1024) }, true],
    [{ description: 'x'.repeat(1025) }, false],
    [{ description: '' }, true],
    [{ allowCommonPatterns: 'no' }, false],
  ])('%o valid: %s', (change, ok) => {
    expect(pinPolicySettingsSchema.safeParse({ ...valid, ...change }).success).toBe(ok);
  });

  it('names the history count when a lifetime has none', () => {
    const result = pinPolicySettingsSchema.safeParse({ ...valid, pinLifetimeDays: 30 });
    expect(result.error?.issues).toMatchObject([{ path: ['pinHistoryCount'], message: 'PINLifetime greater than 0 requires PINHistoryCount greater than 0' }]);
    expect(pinPolicySettingsSchema.parse({ ...valid, description: 'd', extra: 1 })).toEqual({ ...valid, description: 'd' });
  });
});

