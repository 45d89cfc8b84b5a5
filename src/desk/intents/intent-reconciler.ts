// Remote PIN changes whose outcome was never recorded (PinDesk was killed between the server call
// and its record, or the server could not say): at start-up and on every sweep, each intent past
// its settleBy — when its call can no longer be running — is claimed (compare-and-set on a lease),
// the server is asked for the user's last PIN change, and the outcome recorded with the intent's
// removal, which only one claimant wins: changed → the PIN card goes out as usual; unchanged → the
// sealed PIN is dropped and the addressee is told the PIN was not set. A server that does not
// answer leaves the intent for the next sweep.
import { nanoid } from 'nanoid';
import type { DeskServices } from '../dependencies.js';
import { changeMark } from './change-mark.js';
import { recordNotSet, recordSet } from './intent-outcomes.js';

/** How long one reconciler holds an intent while it asks the server; then another may take it. */
export const INTENT_LEASE_MS = 60_000;
/** Most intents checked by one sweep. */
const BATCH = 20;

export interface Reconciled {
  set: number;
  notSet: number;
  /** Claimed but left for the next sweep: the server could not be asked. */
  unanswered: number;
}

export class IntentReconciler {
  constructor(
    private readonly services: Pick<DeskServices, 'store' | 'authority' | 'atomically' | 'clock'>,
    /** Told when the server cannot be asked about an intent (logged; the next sweep tries again). */
    private readonly onUnanswered: (error: unknown, intentId: string) => void = () => {},
  ) {}

  async sweep(): Promise<Reconciled> {
    const { store, authority, atomically, clock } = this.services;
    const done: Reconciled = { set: 0, notSet: 0, unanswered: 0 };
    // Intents are marks of a remote server: an authority in the store (PIN_AUTHORITY changed since)
    // cannot tell what happened there, so they wait for the server's authority to come back.
    if (authority.joinsStoreTransaction) return done;
    for (const id of await store.intents.due(clock(), BATCH)) {
      const token = nanoid();
      const intent = await store.intents.claim(id, token, clock(), INTENT_LEASE_MS);
      if (!intent) continue;
      let after: string;
      try {
        after = changeMark(await authority.state(intent.targetId, clock(), intent.targetSip));
      } catch (error) {
        done.unanswered++;
        this.onUnanswered(error, id);
        continue;
      }
      const changed = after !== intent.before;
      const won = await atomically(async (tx) => {
        if (!(await tx.store.intents.settle(id, token))) return false;
        if (changed) await recordSet(tx, intent, clock(), 'reconciled');
        else await recordNotSet(tx, intent, clock());
        return true;
      });
      if (won && changed) done.set++;
      else if (won) done.notSet++;
    }
    return done;
  }
}
