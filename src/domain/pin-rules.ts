// Checks a PIN against the governing policy, naming the exact rule it broke (Set-CsClientPin rules).
import { findCommonPattern, type PhoneNumber } from './common-patterns.js';
import type { PinPolicySettings } from './policy.js';
import { PinRuleError } from './errors.js';

/** Our rule: no policy asks for more than 24 digits, so nothing longer is a plausible PIN. */
export const MAX_PIN_LENGTH = 24;

export interface PinCheckContext {
  policy: PinPolicySettings;
  phone?: PhoneNumber | undefined;
  /** True when the PIN is one of the last PINHistoryCount PINs of this user. */
  isInHistory?: ((pin: string) => boolean) | undefined;
}

/** Throws PinRuleError for the first rule the PIN breaks, in the order an admin would fix them. */
export function checkPin(pin: string, ctx: PinCheckContext): void {
  if (!/^\d+$/.test(pin)) throw new PinRuleError('digits-only');
  if (pin.length < ctx.policy.minPasswordLength) {
    throw new PinRuleError('too-short', { minimum: ctx.policy.minPasswordLength });
  }
  if (pin.length > MAX_PIN_LENGTH) throw new PinRuleError('too-long', { maximum: MAX_PIN_LENGTH });
  if (!ctx.policy.allowCommonPatterns) {
    const pattern = findCommonPattern(pin, ctx.phone);
    if (pattern) throw new PinRuleError('common-pattern', { pattern });
  }
  if (ctx.policy.pinHistoryCount > 0 && ctx.isInHistory?.(pin)) {
    throw new PinRuleError('in-history', { historyCount: ctx.policy.pinHistoryCount });
  }
}

export function isPinAcceptable(pin: string, ctx: PinCheckContext): boolean {
  try {
    checkPin(pin, ctx);
    return true;
  } catch (error) {
    if (error instanceof PinRuleError) return false;
    throw error;
  }
}
