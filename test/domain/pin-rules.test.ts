import { describe, expect, it } from 'vitest';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { PinRuleError } from '../../src/domain/errors.js';
import { checkPin, isPinAcceptable, MAX_PIN_LENGTH } from '../../src/domain/pin-rules.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';

const ruleOf = (pin: string, ctx: Parameters<typeof checkPin>[1]) => {
  try {
    checkPin(pin, ctx);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(PinRuleError);
    return (error as PinRuleError).rule;
  }
};

describe('checkPin, in the order an admin would fix things', () => {
  const ctx = { policy: GLOBAL_DEFAULTS, phone: phoneNumberOf('tel:+14255550100') };

  it.each([
    ['12a45', 'digits-only'],
    ['12 345', 'digits-only'],
    ['-12345', 'digits-only'],
    ['١٢٣٤٥', 'digits-only'],
    ['', 'digits-only'],
    ['7301', 'too-short'],
    ['1'.repeat(MAX_PIN_LENGTH + 1), 'too-long'],
    ['1234', 'too-short'],
    ['12345', 'common-pattern'],
    ['50100', 'common-pattern'],
    ['73019', undefined],
  ])('%s → %s', (pin, rule) => {
    expect(ruleOf(pin, ctx)).toBe(rule);
  });

  it('names the minimum length from the policy', () => {
    try {
      checkPin('73019', { policy: { ...GLOBAL_DEFAULTS, minPasswordLength: 8 } });
    } catch (error) {
      expect((error as PinRuleError).details.minimum).toBe(8);
    }
    expect.assertions(1);
  });

  it('allows common patterns when the policy does', () => {
    expect(ruleOf('123456', { policy: { ...GLOBAL_DEFAULTS, allowCommonPatterns: true } })).toBeUndefined();
  });

  it('checks history only when the policy keeps some', () => {
    const inHistory = (pin: string) => pin === '730194';
    expect(ruleOf('730194', { policy: GLOBAL_DEFAULTS, isInHistory: inHistory })).toBeUndefined();
    expect(ruleOf('730194', { policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 3 }, isInHistory: inHistory })).toBe('in-history');
    expect(ruleOf('730195', { policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 3 }, isInHistory: inHistory })).toBeUndefined();
  });

  it('never puts the PIN in the error message', () => {
    try {
      checkPin('12345', ctx);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('12345');
      expect(JSON.stringify(error)).not.toContain('12345');
    }
    expect.assertions(2);
  });

  it('names what each refusal needs: the maximum, the pattern, the history count', () => {
    const details = (pin: string, context: Parameters<typeof checkPin>[1]) => {
      try {
        checkPin(pin, context);
      } catch (error) {
        return (error as PinRuleError).details;
      }
      throw new Error(`${pin} passed`);
    };
    expect(details('7'.repeat(25), ctx)).toEqual({ maximum: 24 });
    expect(details('123456', ctx)).toEqual({ pattern: 'sequence' });
    expect(details('730194', { policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 4 }, isInHistory: () => true })).toEqual({ historyCount: 4 });
  });

  it('24 digits is the longest PIN', () => {
    expect(ruleOf('730194825163047281956302', ctx)).toBeUndefined();
  });

  it('a policy keeping history, with nothing to compare against, accepts the PIN', () => {
    expect(ruleOf('730194', { policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 3 } })).toBeUndefined();
  });
});

describe('isPinAcceptable', () => {
  const ctx = { policy: GLOBAL_DEFAULTS };

  it('is true or false for the rules, and lets anything else through', () => {
    expect(isPinAcceptable('730194', ctx)).toBe(true);
    expect(isPinAcceptable('1234', ctx)).toBe(false);
    const broken = { policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 1 }, isInHistory: () => { throw new Error('history unavailable'); } };
    expect(() => isPinAcceptable('730194', broken)).toThrow('history unavailable');
  });
});
