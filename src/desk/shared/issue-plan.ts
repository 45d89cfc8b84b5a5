// Everything a PIN change writes, worked out before anything is written: the authority's request,
// the sealed reveal, the card's delivery record, the audit record and the change's precondition.
import type { SetPinRequest } from '../../ports/pin-authority.js';
import type { AuditRecord, DeliveryOutbox, RevealEntry } from '../../ports/store.js';
import type { TransactionPorts } from '../transaction.js';

export interface IssuePlan {
  setRequest: SetPinRequest;
  reveal: RevealEntry;
  delivery?: Parameters<DeliveryOutbox['enqueue']>[0] | undefined;
  audit?: AuditRecord | undefined;
  targetName: string;
  /** A condition checked (and its transition made) in the first transaction; false: nothing changes. */
  provided?: ((tx: TransactionPorts) => Promise<boolean>) | undefined;
  /** Undoes the transition `provided` made, when a remote server clearly refused the change. */
  withdraw?: ((tx: TransactionPorts) => Promise<unknown>) | undefined;
  /** Told once the audit record is committed 'pending' (a remote authority), with that record. */
  onPending?: ((pending: AuditRecord) => void) | undefined;
}

export type IssueOutcome = 'set' | 'locked' | 'not-provided';
