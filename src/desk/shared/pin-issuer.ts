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
import type { AuditRecord, Delivery } from '../../ports/store.js';
import { DELIVERY_LEASE_MS } from '../deliveries/delivery-lease.js';
import type { Atomically, TransactionPorts } from '../transaction.js';
import type { IssueOutcome, IssuePlan } from './issue-plan.js';
import { issueRemotely } from './remote-pin-issue.js';
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
  /** Told when the audit record is written 'pending' before a server call: the turn's outcome becomes that row. */
  onPending?: ((pending: AuditRecord) => void) | undefined;
  /** Where the card goes: a delivery record is written in the same transaction. */
  deliverTo?: DeliveryTarget | undefined;
  /** A condition checked first in the same transaction (a request still pending); false: nothing changes. */
  provided?: ((tx: TransactionPorts) => Promise<boolean>) | undefined;
  /**
   * Undoes the transition `provided` made: with a remote authority `provided` commits before the
   * server call (so only one caller ever reaches the server), and a clear refusal undoes it.
   */
  withdraw?: ((tx: TransactionPorts) => Promise<unknown>) | undefined;
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
      settings: { revealTtlMs: number; deliveryLeaseMs?: number | undefined };
    },
  ) {}

  /**
   * 'locked' when the PIN is locked and unlockFirst was not asked, 'not-provided' when the
   * `provided` condition failed: nothing changed then. Otherwise the PIN is set, with its sealed
   * reveal, its audit record and its delivery record committed (together with the change itself
   * for an authority in the store; see remote-pin-issue.ts for one on a server).
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
    // With the history on the server, `ignore-history` overrides nothing: the record does not claim it did.
    const overrode = ignoreHistory && policies.history === 'pindesk';
    const auditReason = [manual ? 'manual' : 'generated', overrode ? 'history-override' : '', unlockFirst ? 'unlocked-first' : ''].filter(Boolean).join(',');
    const to = options.deliverTo;
    const deliveryId = to ? nanoid() : undefined;
    // Committed with the change, the card's record is claimed for the try that follows at once (no
    // claim, no reveal read then). Held records (a remote change) are claimed once released.
    const leaseUntil = authority.joinsStoreTransaction ? new Date(at.getTime() + (settings.deliveryLeaseMs ?? DELIVERY_LEASE_MS)) : undefined;
    const plan: IssuePlan = {
      setRequest: { userId: target.id, sipAddress: target.sipAddress, pin, at, expiresAt: pinExpiresAt, historyCount: policy.pinHistoryCount, unlockFirst },
      reveal: { id: revealRef, addresseeId: addressee.id, targetId: target.id, sealed, details, createdAt: at, expiresAt: revealExpiresAt },
      delivery:
        to && deliveryId
          ? { id: deliveryId, revealId: revealRef, addresseeId: addressee.id, conversation: to.reference, channelId: to.channelId, requestId: to.requestId, expiresAt: revealExpiresAt, createdAt: at, leaseUntil }
          : undefined,
      audit: options.audit && { ...options.audit, reason: options.audit.reason ?? auditReason },
      targetName: target.displayName,
      provided: options.provided,
      withdraw: options.withdraw,
      onPending: options.onPending,
    };
    // Nothing above wrote anything. An authority in the store: all of it in one transaction. A
    // remote one: an intent around the server call, never a transaction held across it.
    const outcome = authority.joinsStoreTransaction ? await issueInTransaction(atomically, plan) : await issueRemotely(this.deps, plan);
    if (outcome !== 'set') return outcome;
    const claimed: Delivery | undefined = plan.delivery?.leaseUntil && { ...plan.delivery, state: 'pending', attempts: 1, nextAttemptAt: at };
    return { details, revealRef, revealExpiresAt, auditReason, deliveryId, claimed };
  }
}

/** The authority writes through the store's transaction: the change and its records commit together. */
async function issueInTransaction(atomically: Atomically, plan: IssuePlan): Promise<IssueOutcome> {
  return atomically(async (tx) => {
    if (plan.provided && !(await plan.provided(tx))) return 'not-provided' as const;
    const set = await tx.authority.setPin(plan.setRequest);
    if (set === 'locked') return 'locked' as const;
    await tx.store.reveals.put(plan.reveal);
    if (plan.delivery) await tx.store.deliveries.enqueue(plan.delivery);
    if (plan.audit) await tx.store.audit.append(plan.audit);
    return 'set' as const;
  });
}
