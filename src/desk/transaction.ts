// One unit of work across the store and the PIN authority: a PIN change, its sealed reveal, its
// audit record and its delivery record commit together or not at all.
import type { PinAuthority } from '../ports/pin-authority.js';
import type { PolicyAuthority } from '../ports/policy-authority.js';
import type { Store } from '../ports/store.js';

/** The store and the PIN authority bound to one transaction: their writes commit together. */
export interface TransactionPorts {
  store: Store;
  authority: PinAuthority;
  /** The policies as this transaction reads and writes them (PinDesk's own table; a server's are outside it). */
  policies: PolicyAuthority;
}

/** Runs `work` as one unit: everything it writes through `tx` commits together, or nothing does. */
export type Atomically = <T>(work: (tx: TransactionPorts) => Promise<T>) => Promise<T>;
