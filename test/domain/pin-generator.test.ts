import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { generatePin, PinGenerationError, type RandomInt } from '../../src/domain/pin-generator.js';
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

  it('draws every digit in every position about equally often (chi-square, false alarm < 1e-6 per run)', () => {
    const stats = digitChiSquares(generatePins(cryptoInt));
    // Seven tests at α = 1e-7 each: a fair generator fails this test in fewer than 7 runs in 10⁸.
    expect(stats.pooled).toBeLessThan(CHI2_CRITICAL);
    for (const position of stats.positions) expect(position).toBeLessThan(CHI2_CRITICAL);
  });

  describe('the chi-square threshold', () => {
    it('is the 1 − 1e-7 quantile of chi-square with 9 degrees of freedom, or just above it', () => {
      // z: the normal quantile the Wilson–Hilferty formula starts from.
      expect(normalTail(Z_1E7)).toBeCloseTo(ALPHA, 12);
      // The approximation errs on the safe side here: the exact tail beyond it is 4.9e-8 ≤ α, and
      // the exact quantile (50.17) is within 4 %.
      const tail = chiSquareTail(CHI2_CRITICAL, DF);
      expect(tail).toBeLessThanOrEqual(ALPHA);
      expect(tail).toBeGreaterThan(ALPHA / 4);
      expect(chiSquareTail(50.17, DF)).toBeCloseTo(ALPHA, 9);
      // Sanity of the closed form against known table values (p = 0.05 and 0.001 for 9 df).
      expect(chiSquareTail(16.919, DF)).toBeCloseTo(0.05, 4);
      expect(chiSquareTail(27.877, DF)).toBeCloseTo(0.001, 5);
    });

    it('a fair seeded source passes (deterministic)', () => {
      const stats = digitChiSquares(generatePins(seededInt(1)));
      expect(stats.pooled).toBeLessThan(CHI2_CRITICAL);
      for (const position of stats.positions) expect(position).toBeLessThan(CHI2_CRITICAL);
    });

    // The same test at the same sample size must still catch realistic bias. The statistic of a
    // biased source is non-central chi-square: mean 9 + λ, sd √(2(9 + 2λ)), with non-centrality
    // λ = N Σ (pᵢ − 0.1)² / 0.1 over N = DRAWS × LENGTH = 600,000 digits. For the 5 % bias below
    // that is mean ≈ 143, sd ≈ 23: the threshold (51.8) is 3.9 sd below, so even an unseeded
    // source with that bias would be caught in all but about 1 run in 20,000. Seeded here, so the
    // answer is always the same (statistics 139, 184 and 11,118 at the time of writing).
    it('catches one digit 5 % more likely than the others (λ ≈ 134, pooled statistic ≈ 143)', () => {
      const weights = [1, 1, 1, 1, 1, 1.05, 1, 1, 1, 1];
      const stats = digitChiSquares(generatePins(weightedInt(seededInt(2), weights)));
      expect(stats.pooled).toBeGreaterThan(CHI2_CRITICAL);
    });

    it('catches modulo bias, a random byte % 10 (0–5 get 26/256, 6–9 25/256; λ ≈ 220)', () => {
      const byte = seededInt(3);
      const stats = digitChiSquares(generatePins((max) => byte(256) % max));
      expect(stats.pooled).toBeGreaterThan(CHI2_CRITICAL);
    });

    it('catches a bias in one position only (a first digit that is never 0)', () => {
      const random = seededInt(4);
      let call = 0;
      const noLeadingZero: RandomInt = (max) => (call++ % LENGTH === 0 ? 1 + random(max - 1) : random(max));
      const stats = digitChiSquares(generatePins(noLeadingZero));
      expect(stats.positions[0]).toBeGreaterThan(CHI2_CRITICAL);
    });
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

// ---- the chi-square test of digit frequencies ------------------------------------------------

const DRAWS = 100_000;
const LENGTH = 6;
/** 10 digits: 9 degrees of freedom. */
const DF = 9;
/** Per statistic; seven statistics per run (pooled and six positions): under 1e-6 in all. */
const ALPHA = 1e-7;
/** Φ⁻¹(1 − 1e-7), the standard normal quantile. */
const Z_1E7 = 5.199337582;
/**
 * Wilson–Hilferty: (X/k)^(1/3) is close to normal with mean 1 − 2/(9k) and variance 2/(9k), so the
 * upper-α quantile is x ≈ k·(1 − 2/(9k) + z·√(2/(9k)))³. For k = 9, z = 5.1993: x ≈ 51.82.
 */
const CHI2_CRITICAL = DF * (1 - 2 / (9 * DF) + Z_1E7 * Math.sqrt(2 / (9 * DF))) ** 3;

function generatePins(randomInt: RandomInt): string[] {
  const ctx = { policy: { ...GLOBAL_DEFAULTS, minPasswordLength: LENGTH, allowCommonPatterns: true } };
  return Array.from({ length: DRAWS }, () => generatePin(ctx, randomInt));
}

/** Pearson's statistic for the ten digits, over all positions together and per position. */
function digitChiSquares(pins: string[]): { pooled: number; positions: number[] } {
  const counts = Array.from({ length: LENGTH }, () => new Array<number>(10).fill(0));
  for (const pin of pins) for (let p = 0; p < LENGTH; p++) counts[p]![Number(pin[p])]!++;
  const statistic = (observed: number[], total: number) => observed.reduce((sum, o) => sum + (o - total / 10) ** 2 / (total / 10), 0);
  const pooled = counts.reduce((sum, position) => sum.map((n, d) => n + position[d]!), new Array<number>(10).fill(0));
  return { pooled: statistic(pooled, pins.length * LENGTH), positions: counts.map((position) => statistic(position, pins.length)) };
}

/**
 * P(X > x) for chi-square with an odd number k of degrees of freedom, in closed form:
 * Q(x; k) = erfc(√(x/2)) + e^(−x/2) · √(2x/π) · Σ_{j=1}^{(k−1)/2} x^(j−1) / (1·3·…·(2j−1)).
 */
function chiSquareTail(x: number, k: number): number {
  let sum = 0;
  let doubleFactorial = 1;
  for (let j = 1; j <= (k - 1) / 2; j++) {
    doubleFactorial *= 2 * j - 1;
    sum += x ** (j - 1) / doubleFactorial;
  }
  return erfc(Math.sqrt(x / 2)) + Math.exp(-x / 2) * Math.sqrt((2 * x) / Math.PI) * sum;
}

function normalTail(z: number): number {
  return erfc(z / Math.SQRT2) / 2;
}

/** Complementary error function, relative error below 1.2e-7 everywhere (Numerical Recipes erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** A seeded, deterministic uniform source (mulberry32), for the tests that must always give one answer. */
function seededInt(seed: number): RandomInt {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

/** Digits drawn with these relative weights (for a biased generator). */
function weightedInt(uniform: RandomInt, weights: number[]): RandomInt {
  const total = weights.reduce((a, b) => a + b, 0);
  return (max) => {
    if (max !== weights.length) throw new Error(`asked for ${max} values, weights for ${weights.length}`);
    let u = (uniform(2 ** 30) / 2 ** 30) * total;
    for (const [digit, weight] of weights.entries()) if ((u -= weight) < 0) return digit;
    return weights.length - 1;
  };
}
