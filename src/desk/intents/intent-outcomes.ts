// The outcome of a remote PIN change, recorded in one transaction with the removal of its intent
// (which only one caller wins: the issuer, or one sweep). Set: its card is released to the outbox.
// Not set: its sealed PIN is dropped and its addressee is told, through the same outbox. The
// change's audit record, written 'pending' with the intent, becomes the outcome (one row per
// attempt); a compare-and-set, so only a record still pending is changed.
import type { PinIntent } from '../../ports/store.js';
import type { TransactionPorts } from '../transaction.js';

/** How long a "your PIN was not set" notice is tried before it is given up. */
export const NOTICE_TTL_MS = 86_400_000;

/** The PIN is set on the server: its card may go out now; the change's audit record says so. */
export async function recordSet(tx: TransactionPorts, intent: PinIntent, now: Date, how: 'answered' | 'reconciled'): Promise<void> {
  // Learnt late (the server was unreachable for a while): the PIN keeps its full reveal window from
  // now, or its card would expire as it is released, and nobody could learn the PIN.
  const reveal = await tx.store.reveals.get(intent.revealId);
  const window = reveal ? reveal.expiresAt.getTime() - reveal.createdAt.getTime() : 0;
  const late = reveal !== undefined && reveal.expiresAt.getTime() - now.getTime() < window / 2;
  const until = late ? new Date(now.getTime() + window) : undefined;
  if (until) await tx.store.reveals.extend(intent.revealId, until);
  if (intent.deliveryId) await tx.store.deliveries.release(intent.deliveryId, now, until);
  if (intent.audit) {
    const reason = how === 'reconciled' ? [intent.audit.reason, 'reconciled'].filter(Boolean).join(',') : intent.audit.reason;
    await tx.store.audit.resolve(intent.audit, { ...intent.audit, at: now, outcome: 'ok', reason });
  }
}

/** The server never took the PIN: no sealed copy stays, and the addressee is told to try again. */
export async function recordNotSet(tx: TransactionPorts, intent: PinIntent, now: Date): Promise<void> {
  await tx.store.reveals.forget(intent.revealId);
  if (intent.deliveryId) await tx.store.deliveries.releaseAsNotice(intent.deliveryId, 'pin-not-set', now, new Date(now.getTime() + NOTICE_TTL_MS));
  if (intent.audit) await tx.store.audit.resolve(intent.audit, { ...intent.audit, at: now, outcome: 'failed', reason: 'reconciled:not-set' });
}

/** The server clearly refused (nothing changed), and the turn says so itself: nothing of it stays. */
export async function recordRefused(tx: TransactionPorts, intent: PinIntent): Promise<void> {
  await tx.store.reveals.discard(intent.revealId);
  if (intent.deliveryId) await tx.store.deliveries.drop(intent.deliveryId);
}
