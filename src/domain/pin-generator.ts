// Generated PINs: digits drawn uniformly from a cryptographic source, redrawn until the governing
// policy accepts them (no common pattern, not in history). Rejection keeps the draw uniform over
// the acceptable PINs.
import { isPinAcceptable, type PinCheckContext } from './pin-rules.js';

/** Uniform integer in [0, max). Production passes crypto.randomInt; tests pass a seeded one. */
export type RandomInt = (max: number) => number;

/** Far above what any policy needs (a 4-digit PIN with every rule on still accepts ~90%). */
const MAX_DRAWS = 1000;

export class PinGenerationError extends Error {
  constructor() {
    super('no acceptable PIN found');
  }
}

/** Our rule: generated PINs have exactly MinPasswordLength digits, the shortest the policy allows. */
export function generatePin(ctx: PinCheckContext, randomInt: RandomInt): string {
  const length = ctx.policy.minPasswordLength;
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    let pin = '';
    for (let i = 0; i < length; i++) pin += String(randomInt(10));
    if (isPinAcceptable(pin, ctx)) return pin;
  }
  throw new PinGenerationError();
}
