// The kinds of value a setting can hold, as zod schemas: durations (`10m`), flags (`yes`/`no`),
// base64 keys, optional text, rates (`600/1m`).
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `90s`, `1h`, or plain seconds. */
export const anyDuration = z
  .string()
  .trim()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'use a number with a unit, like 10m, 90s or 1h')
  .transform((text) => {
    const [, amount = '0', unit = 's'] = /^(\d+)(ms|s|m|h|d)?$/.exec(text)!;
    return Number(amount) * UNITS[unit]!;
  });
export const duration = anyDuration.refine((ms) => ms >= 1000, 'must be at least 1s');

export const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const key = (bytes: number) =>
  z
    .string()
    .trim()
    .transform((text) => Buffer.from(text, 'base64'))
    .refine((buffer) => buffer.length >= bytes, `must be at least ${bytes} bytes, base64-encoded (openssl rand -base64 ${bytes})`);

export const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));

/** A rate: `600/1m` = at most 600 in any one-minute window (windows from 1s to 1d). */
export interface Rate {
  limit: number;
  windowMs: number;
}
export const rate = z
  .string()
  .trim()
  .regex(/^\d+\/\d+(ms|s|m|h|d)?$/, 'use a count and a window, like 600/1m')
  .transform((text): Rate => {
    const [count = '0', window = '0'] = text.split('/');
    return { limit: Number(count), windowMs: anyDuration.parse(window) };
  })
  .refine((r) => r.limit >= 1 && r.limit <= 1_000_000, 'the count must be 1 to 1000000')
  .refine((r) => r.windowMs >= 1000 && r.windowMs <= 86_400_000, 'the window must be 1s to 1d');
