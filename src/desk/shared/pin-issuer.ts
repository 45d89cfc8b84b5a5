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
import type { PolicyAuthority } from '../../ports/policy-authority.js';
import type { AuditRecord } from '../../ports/store.js';
import type { Atomically, TransactionPorts } from '../transaction.js';
import type { Sealer } from '../../security/sealer.js';
import type { IssuedPin, PinSetDetails } from '../results.js';
import { revealAad } from './sealed-text.js';

export interface IssueOptions {
  target: DirectoryUser;
  addressee: DirectoryUser;
  pin?: string | undefined;
  ignoreHistory: boolean;
  unlockFirst: boolean;
  permission: Permission;
  /** The audit record of this change, written in its transaction (the reason, unless given, says how the PIN was made). */
  audit?: (Omit<AuditRecord, 'reason'> & { reason?: string | undefined }) | undefined;
  /** Where the card goes: a delivery record is written in the same transaction. */
  deliverTo?: DeliveryTarget | undefined;
  /** A condition checked first in the same transaction (a request still pending); false: nothing changes. */
  provided?: ((tx: TransactionPorts) => Promise<boolean>) | undefined;
}

/** The addressee's private chat, as the chat surface reached it. */
export interface DeliveryTarget {
  channelId: string;
  reference: unknown;
  requestId?: string | undefined;
}

export class PinIssuer {
  constructor(
    private readonly deps: {
      authority: PinAuthority;
      policies: PolicyAuthority;
      atomically: Atomically;
      sealer: Sealer;
      clock: () => Date;
      randomInt: RandomInt;
      settings: { revealTtlMs: number };
    },
  ) {}

  /**
   * 'locked' when the PIN is locked and unlockFirst was not asked, 'not-provided' when the
   * `provided` condition failed: nothing changed then. Otherwise the PIN, its sealed reveal, its
   * audit record and its delivery record were committed together.
   */
  async issue(options: IssueOptions): Promise<IssuedPin | 'locked' | 'not-provided'> {
    const { authority, clock, randomInt, sealer, policies, settings, atomically } = this.deps;
    const { target, addressee, unlockFirst } = options;
    const { policy } = await policies.governing(target);
    const manual = options.pin !== undefined;
    const ignoreHistory = manual && options.ignoreHistory;
    const isInHistory = ignoreHistory ? undefined : await authority.historyMatcher(target.id, policy.pinHistoryCount);
    const context: PinCheckContext = { policy, phone: phoneNumberOf(target.lineUri), isInHistory };
    const pin = options.pin ?? generatePin(context, randomInt);
    if (manual) checkPin(pin, context);
    const at = clock();
    const pinExpiresAt = pinExpiry(at, policy);
    const revealRef = nanoid();
    const revealExpiresAt = new Date(at.getTime() + settings.revealTtlMs);
    const details: PinSetDetails = {
      target: summarize(target),
      policyIdentity: policy.identity,
      changedAt: at.toISOString(),
      pinExpiresAt: pinExpiresAt?.toISOString(),
      generated: !manual,
      unlockedFirst: unlockFirst,
      addresseeName: addressee.displayName,
      permission: options.permission,
      ...(policies.history === 'server' ? { historyBy: 'server' as const, ignoreHistoryAsked: ignoreHistory } : {}),
    };
    const sealed = sealer.seal(pin, revealAad(revealRef, addressee.id));
    const auditReason = [manual ? 'manual' : 'generated', ignoreHistory ? 'history-override' : '', unlockFirst ? 'unlocked-first' : ''].filter(Boolean).join(',');
    const deliveryId = options.deliverTo ? nanoid() : undefined;
    // Nothing above wrote anything; from here, all of it or none of it.
    const outcome = await atomically(async (tx) => {
      if (options.provided && !(await options.provided(tx))) return 'not-provided' as const;
      const set = await tx.authority.setPin({ userId: target.id, sipAddress: target.sipAddress, pin, at, expiresAt: pinExpiresAt, historyCount: policy.pinHistoryCount, unlockFirst });
      if (set === 'locked') return 'locked' as const;
      await tx.store.reveals.put({ id: revealRef, addresseeId: addressee.id, targetId: target.id, sealed, details, createdAt: at, expiresAt: revealExpiresAt });
      if (options.deliverTo && deliveryId) {
        const { channelId, reference, requestId } = options.deliverTo;
        await tx.store.deliveries.enqueue({ id: deliveryId, revealId: revealRef, addresseeId: addressee.id, conversation: reference, channelId, requestId, expiresAt: revealExpiresAt, createdAt: at });
      }
      if (options.audit) await tx.store.audit.append({ ...options.audit, reason: options.audit.reason ?? auditReason });
      return 'set' as const;
    });
    if (outcome !== 'set') return outcome;
    return { details, revealRef, revealExpiresAt, auditReason, deliveryId };
  }
}
