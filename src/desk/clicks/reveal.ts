// Reveal (or hide) a PIN set earlier: only for the person it was addressed to, who must still hold
// the permission it was set under, and only where nobody else can read the answer.
import { CardExpiredError, NoPrivateChatError, NotAddresseeError } from '../../domain/errors.js';
import type { Permission } from '../../domain/roles.js';
import { cmdletIdentity } from '../../domain/user.js';
import { authorizeOn } from '../access.js';
import type { DeskServices } from '../dependencies.js';
import type { PinSetDetails, RevealView } from '../results.js';
import type { UseCaseContext } from '../turn.js';
import { openSealed, revealAad } from '../shared/sealed-text.js';

export async function revealPin(
  { store, directory, sealer, clock }: Pick<DeskServices, 'store' | 'directory' | 'sealer' | 'clock'>,
  { turn, caller, scope }: UseCaseContext,
  ref: string,
  show: boolean,
): Promise<RevealView> {
  const entry = await store.reveals.get(ref);
  if (!entry) throw new CardExpiredError('reveal');
  const details = entry.details as PinSetDetails;
  scope.target = cmdletIdentity(details.target);
  if (entry.addresseeId !== caller.user.id) throw new NotAddresseeError(details.addresseeName);
  const target = await directory.getById(entry.targetId);
  if (!target) throw new CardExpiredError('reveal');
  authorizeOn(caller, details.permission as Permission, target);
  if (show && !turn.privateReply) throw new NoPrivateChatError();
  const now = clock();
  const view: RevealView = { details, revealRef: ref, expiresAt: entry.expiresAt, expired: entry.expiresAt <= now || !entry.sealed };
  if (view.expired) {
    await store.reveals.purgeExpired(now);
    if (show) scope.reason = 'expired';
    return view;
  }
  if (show) {
    view.pin = openSealed(sealer, entry.sealed!, revealAad(entry.id, entry.addresseeId));
    await store.reveals.markRevealed(ref, now);
  }
  return view;
}

/** The PIN of a set-pin run from the server's own shell, once: the sealed copy goes as it is read. */
export async function takeLocalPin({ store, sealer }: Pick<DeskServices, 'store' | 'sealer'>, addresseeId: string, ref: string): Promise<string | undefined> {
  const entry = await store.reveals.get(ref);
  if (!entry?.sealed || entry.addresseeId !== addresseeId) return undefined;
  const pin = openSealed(sealer, entry.sealed, revealAad(entry.id, entry.addresseeId));
  await store.reveals.forget(ref);
  return pin;
}
