// `my pins`: the caller's own PIN cards that are not yet revealed or not yet delivered, sent again
// in this 1:1 chat — the way to a PIN whose card the connector could not post. Never anyone else's.
import { NoPrivateChatError } from '../../domain/errors.js';
import type { PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { PinCard, PinSetDetails } from '../results.js';

/** Most cards sent again at once (newest first). */
const MY_PINS_LIMIT = 10;

export const myPinsCommand: PlainEntry<'my-pins'> = {
  kind: 'my-pins',
  permission: 'anyone',
  help: [{ usage: 'PIN cards set for you and not yet revealed, sent again', example: 'my pins' }],
  syntax: {
    phrases: [{ pattern: /^my pins?(?: cards?)?$/i, build: () => ({ kind: 'my-pins' }) }],
    example: 'my pins',
  },
  run: async (services, { turn, caller, scope }) => {
    // The cards go to this conversation: only where nobody else reads it.
    if (turn.shared) throw new NoPrivateChatError();
    const pins = await waitingPins(services, caller.user.id, 'unrevealed');
    scope.reason = `${pins.length} waiting`;
    return { kind: 'my-pins', pins };
  },
};

/**
 * The addressee's PIN cards still revealable: `unrevealed` — not yet revealed or not yet
 * delivered; `undelivered` — whose card never reached them.
 */
export async function waitingPins({ store, clock }: Pick<DeskServices, 'store' | 'clock'>, addresseeId: string, which: 'unrevealed' | 'undelivered'): Promise<PinCard[]> {
  const open = await store.reveals.openFor(addresseeId, clock(), MY_PINS_LIMIT);
  const cards: PinCard[] = [];
  for (const entry of open) {
    const delivered = (await store.deliveries.ofReveal(entry.id))?.state === 'delivered' || (entry.card !== undefined && entry.card.activityId !== '');
    const waiting = which === 'undelivered' ? !delivered : !delivered || entry.revealedAt === undefined;
    if (waiting) cards.push({ details: entry.details as PinSetDetails, revealRef: entry.id, revealExpiresAt: entry.expiresAt });
  }
  return cards;
}
