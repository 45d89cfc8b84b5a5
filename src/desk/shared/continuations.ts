// Questions PinDesk asked with a card (which user? unlock first? act on a listed user?), kept
// sealed in the store and answered by a later click — by the person asked, before expiry, once.
import { nanoid } from 'nanoid';
import { CardExpiredError, NotAddresseeError } from '../../domain/errors.js';
import type { Directory } from '../../ports/directory.js';
import type { Continuation, Store } from '../../ports/store.js';
import type { Sealer } from '../../security/sealer.js';
import type { Caller } from '../callers.js';
import { continuationAad, openSealed } from './sealed-text.js';

export type ContinuationKind = Continuation['kind'];

export class Continuations {
  constructor(
    private readonly deps: {
      store: Pick<Store, 'continuations'>;
      directory: Pick<Directory, 'getById'>;
      sealer: Sealer;
      clock: () => Date;
      settings: { choiceTtlMs: number };
    },
  ) {}

  /** `into`: the store of a transaction the question is written in (with the action's audit record). */
  async save(caller: Caller, kind: ContinuationKind, payload: object, into: Pick<Store, 'continuations'> = this.deps.store): Promise<string> {
    const { sealer, clock, settings } = this.deps;
    const id = nanoid();
    const now = clock();
    // Sealed: the command may carry a PIN the admin typed.
    const sealed = sealer.seal(JSON.stringify(payload), continuationAad(id, caller.user.id));
    await into.continuations.put({ id, actorId: caller.user.id, kind, sealed, createdAt: now, expiresAt: new Date(now.getTime() + settings.choiceTtlMs) });
    return id;
  }

  /** The payload of a continuation that belongs to the caller and is still within its time. */
  async read<T>(caller: Caller, ref: string, kind: ContinuationKind): Promise<T> {
    const continuation = await this.load(caller, ref, kind);
    return JSON.parse(openSealed(this.deps.sealer, continuation.sealed, continuationAad(ref, caller.user.id))) as T;
  }

  /**
   * Reads and consumes a one-time continuation: a double click gets "already used". `check` runs on
   * the payload BEFORE it is consumed, so a press the continuation cannot answer (a tampered choice)
   * is refused and the genuine press still works.
   */
  async take<T>(caller: Caller, ref: string, kind: 'choose-user' | 'unlock-and-set', check: (payload: T) => void = () => undefined): Promise<T> {
    const payload = await this.read<T>(caller, ref, kind);
    check(payload);
    if (!(await this.deps.store.continuations.consume(ref, this.deps.clock()))) throw new CardExpiredError('choice');
    return payload;
  }

  private async load(caller: Caller, ref: string, kind: ContinuationKind): Promise<Continuation> {
    const { store, directory, clock } = this.deps;
    const continuation = await store.continuations.get(ref);
    if (!continuation || continuation.kind !== kind) throw new CardExpiredError('choice');
    if (continuation.actorId !== caller.user.id) {
      const owner = await directory.getById(continuation.actorId);
      throw new NotAddresseeError(owner?.displayName ?? 'someone else');
    }
    if (continuation.usedAt || continuation.expiresAt <= clock()) throw new CardExpiredError('choice');
    return continuation;
  }
}
