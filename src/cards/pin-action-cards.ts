// Cards for unlock, lock, status and the locked-PIN refusal: each with its cmdlet line.
import type { EffectivePolicy } from '../domain/policy.js';
import type { LockReason, PinStatus } from '../domain/pin-state.js';
import { cmdletIdentity, type UserSummary } from '../domain/user.js';
import { button, card, facts, formatTime, heading, powershell, text, Verbs, type AdaptiveCard } from './elements.js';

export function pinUnlockedCard(target: UserSummary, wasLocked: boolean): AdaptiveCard {
  return card([
    heading(`PIN unlocked for ${target.displayName}`),
    text(wasLocked ? 'The PIN can be used again; both failure counters were reset.' : 'The PIN was not locked; failure counters were reset anyway.'),
    powershell(`Unlock-CsClientPin -Identity "${cmdletIdentity(target)}"`),
  ]);
}

export function pinLockedCard(target: UserSummary, wasLocked: boolean): AdaptiveCard {
  return card([
    heading(`PIN locked for ${target.displayName}`),
    text(
      wasLocked
        ? 'The PIN was already locked; it stays locked until an administrator unlocks it.'
        : 'The PIN can no longer be used to join a conference or sign in to a phone until an administrator unlocks it.',
    ),
    powershell(`Lock-CsClientPin -Identity "${cmdletIdentity(target)}"`),
  ]);
}

const LOCK_REASON_TEXT: Record<LockReason, string> = {
  admin: 'locked by an administrator',
  'too-many-failures': 'locked after too many failed logons, until an administrator unlocks it',
  temporary: 'temporarily locked after failed logons',
};

export function pinStatusCard(target: UserSummary, status: PinStatus, policy: EffectivePolicy): AdaptiveCard {
  const locked = status.isLockedOut
    ? `Yes: ${LOCK_REASON_TEXT[status.lockReason!]}${status.lockedUntil ? `, until ${formatTime(status.lockedUntil)}` : ''}`
    : 'No';
  const expires = status.pinExpirationTime ? `${formatTime(status.pinExpirationTime)}${status.isExpired ? ' (expired)' : ''}` : status.isPinSet ? 'never' : '—';
  return card([
    heading(`PIN status for ${target.displayName}`),
    facts([
      ['Identity', cmdletIdentity(target)],
      ['Line URI', target.lineUri ?? 'none'],
      ['IsPinSet', status.isPinSet ? 'Yes' : 'No'],
      ['IsLockedOut', locked],
      ['LastPinChangeTime', status.lastPinChangeTime ? formatTime(status.lastPinChangeTime) : '—'],
      ['PinExpirationTime', expires],
      ['Policy', policy.policy.identity],
    ]),
    powershell(`Get-CsClientPinInfo -Identity "${cmdletIdentity(target)}"`),
  ]);
}

export const LOCKED_REFUSAL = 'If the PIN is locked, you must unlock the PIN before you can set it.';

export function pinLockedRefusalCard(target: UserSummary, unlockAndSetRef: string | undefined): AdaptiveCard {
  const body = [
    heading(`${target.displayName}'s PIN is locked`),
    text(LOCKED_REFUSAL),
    text(
      unlockAndSetRef
        ? 'Nothing was changed. Press **Unlock and set** to do both now.'
        : 'Nothing was changed. Ask someone who may unlock PINs (CsHelpDesk or above) to unlock it first.',
      { isSubtle: true },
    ),
  ];
  return card(body, unlockAndSetRef ? [button('Unlock and set', { verb: Verbs.unlockAndSet, ref: unlockAndSetRef }, 'positive')] : []);
}
