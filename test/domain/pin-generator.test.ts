import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { generatePin, PinGenerationError } from '../../src/domain/pin-generator.js';
import { isPinAcceptable } from '../../src/domain/pin-rules.js';
import { GLOBAL_DEFAULTS, pinPolicySettingsSchema } from '../../src/domain/policy.js';

const cryptoInt = (max: number) => randomInt(max);

describe('generatePin', () => {
  it('always satisfies the policy it was generated for', () => {
    const policy = fc.record({
      minPasswordLength: fc.integer({ min: 4, max: 24 }),
      pinHistoryCount: fc.integer({ min: 0, max: 20 }),
      pinLifetimeDays: fc.constant(0),
      allowCommonPatterns: fc.boolean(),
    });
    fc.assert(
      fc.property(policy, fc.constantFrom('tel:+14255550100', 'tel:+14255550107;ext=0107', undefined), (settings, line) => {
        pinPolicySettingsSchema.parse(settings);
        const ctx = { policy: settings, phone: phoneNumberOf(line), isInHistory: (pin: string) => pin.endsWith('7') };
        const pin = generatePin(ctx, cryptoInt);
        expect(pin).toMatch(/^\d+$/);
        expect(pin).toHaveLength(settings.minPasswordLength);
        expect(isPinAcceptable(pin, ctx)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('draws every digit in every position about equally often (chi-square)', () => {
    const draws = 20_000;
    const length = 6;
    const counts = Array.from({ length }, () => new Array<number>(10).fill(0));
    const ctx = { policy: { ...GLOBAL_DEFAULTS, minPasswordLength: length, allowCommonPatterns: true } };
    for (let i = 0; i < draws; i++) {
      const pin = generatePin(ctx, cryptoInt);
      for (let p = 0; p < length; p++) counts[p]![Number(pin[p])]!++;
    }
    const expected = draws / 10;
    for (const position of counts) {
      const chiSquare = position.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
      // 9 degrees of freedom; 27.88 is the 0.999 quantile, so a fair source fails 1 run in 1000.
      expect(chiSquare).toBeLessThan(27.88);
    }
  });

  it('rejection keeps draws within the acceptable set uniform', () => {
    // Four-digit PINs with every rule on: count how often each acceptable PIN appears.
    const ctx = { policy: { ...GLOBAL_DEFAULTS, minPasswordLength: 4 } };
    const seen = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const pin = generatePin(ctx, cryptoInt);
      seen.set(pin, (seen.get(pin) ?? 0) + 1);
    }
    expect([...seen.keys()].every((pin) => isPinAcceptable(pin, ctx))).toBe(true);
    const acceptable = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0')).filter((p) => isPinAcceptable(p, ctx)).length;
    expect(seen.size / acceptable).toBeGreaterThan(0.98);
  });

  it('gives up with a typed error instead of looping forever', () => {
    expect(() => generatePin({ policy: { ...GLOBAL_DEFAULTS, pinHistoryCount: 5 }, isInHistory: () => true }, cryptoInt)).toThrow(PinGenerationError);
  });

  it('uses the random source it is given', () => {
    let i = 0;
    const sequence = [7, 3, 0, 1, 9];
    expect(generatePin({ policy: GLOBAL_DEFAULTS }, () => sequence[i++ % 5]!)).toBe('73019');
  });

  it('tries exactly 1000 draws before giving up', () => {
    let calls = 0;
    const counting = () => {
      calls++;
      return 0;
    };
    expect(() => generatePin({ policy: GLOBAL_DEFAULTS }, counting)).toThrow(PinGenerationError);
    expect(calls).toBe(1000 * GLOBAL_DEFAULTS.minPasswordLength);
  });
});
