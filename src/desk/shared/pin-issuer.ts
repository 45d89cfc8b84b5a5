// Sets a PIN — the one typed, checked against the user's policy, or one generated under it — and
// seals it for its addressee, who alone may reveal it while still holding `permission`.
import { nanoid } from 'nanoid';
import { phoneNumberOf } from '../../domain/common-patterns.js';
import { generatePin, type RandomInt } from '../../domain/pin-generator.js';
import { checkPin, type PinCheckContext } from '../../domain/pin-rules.js';
import { pinExpiry } from '../../domain/policy.js';
import type { Permission } from '../../domain/roles.js';
import { summarize, type DirectoryUser } from '../../domain/user.js';
import type { PinAuthority } from '../../ports/pin-authority.js';
import type { Store } from '../../ports/store.js';
import type { Sealer } from '../../security/sealer.js';
import type { IssuedPin, PinSetDetails } from '../results.js';
import { effectivePolicy } from './effective-policy.js';
import { revealAad } from './sealed-text.js';

export interface IssueOptions {
  target: DirectoryUser;
  addressee: DirectoryUser;
  pin?: string | undefined;
  ignoreHistory: boolean;
  unlockFirst: boolean;
  permission: Permission;
}

export class PinIssuer {
  constructor(
    private readonly deps: {
      authority: PinAuthority;
      store: Pick<Store, 'policies' | 'reveals'>;
      sealer: Sealer;
      clock: () => Date;
      randomInt: RandomInt;
      settings: { revealTtlMs: number };
    },
  ) {}

  /** 'locked' when the PIN is locked and unlockFirst was not asked: nothing changed then. */
  async issue(options: IssueOptions): Promise<IssuedPin | 'locked'> {
    const { authority, clock, randomInt, sealer, store, settings } = this.deps;
    const { target, addressee, unlockFirst } = options;
    const effective = await effectivePolicy(store.policies, target);
    const { policy } = effective;
    const manual = options.pin !== undefined;
    const ignoreHistory = manual && options.ignoreHistory;
    const isInHistory = ignoreHistory ? undefined : await authority.historyMatcher(target.id, policy.pinHistoryCount);
    const context: PinCheckContext = { policy, phone: phoneNumberOf(target.lineUri), isInHistory };
    const pin = options.pin ?? generatePin(context, randomInt);
    if (manual) checkPin(pin, context);
    const at = clock();
    const pinExpiresAt = pinExpiry(at, policy);
    const outcome = await authority.setPin({ userId: target.id, pin, at, expiresAt: pinExpiresAt, historyCount: policy.pinHistoryCount, unlockFirst });
    if (outcome === 'locked') return 'locked';
    const details: PinSetDetails = {
      target: summarize(target),
      policyIdentity: policy.identity,
      changedAt: at.toISOString(),
      pinExpiresAt: pinExpiresAt?.toISOString(),
      generated: !manual,
      unlockedFirst: unlockFirst,
      addresseeName: addressee.displayName,
      permission: options.permission,
    };
    const revealRef = nanoid();
    const revealExpiresAt = new Date(at.getTime() + settings.revealTtlMs);
    await store.reveals.put({
      id: revealRef,
      addresseeId: addressee.id,
      targetId: target.id,
      sealed: sealer.seal(pin, revealAad(revealRef, addressee.id)),
      details,
      createdAt: at,
      expiresAt: revealExpiresAt,
    });
    const auditReason = [manual ? 'manual' : 'generated', ignoreHistory ? 'history-override' : '', unlockFirst ? 'unlocked-first' : ''].filter(Boolean).join(',');
    return { details, revealRef, revealExpiresAt, auditReason };
  }
}
