// Opening what PinDesk sealed: the associated data binds a secret to its record and its one
// reader, so a sealed value copied to another row or person does not open.
import { CardExpiredError } from '../../domain/errors.js';
import { SealOpenError, type Sealer } from '../../security/sealer.js';

export function revealAad(id: string, addresseeId: string): string {
  return `reveal:${id}:${addresseeId}`;
}

export function continuationAad(id: string, actorId: string): string {
  return `continuation:${id}:${actorId}`;
}

export function openSealed(sealer: Sealer, sealed: string, aad: string): string {
  try {
    return sealer.open(sealed, aad);
  } catch (error) {
    // A sealing key changed since: the secret is gone, as if expired.
    if (error instanceof SealOpenError) throw new CardExpiredError('reveal');
    throw error;
  }
}
