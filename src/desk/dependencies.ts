// The ports and settings the desk runs on, and the shared services built from them once. Use cases
// take a narrow Pick<> of DeskServices, never the whole.
import type { RandomInt } from '../domain/pin-generator.js';
import type { ScopedRoles } from '../domain/role-grants.js';
import type { Role } from '../domain/roles.js';
import type { Directory } from '../ports/directory.js';
import type { PinAuthority } from '../ports/pin-authority.js';
import type { PolicyAuthority } from '../ports/policy-authority.js';
import type { Store } from '../ports/store.js';
import type { Sealer } from '../security/sealer.js';
import { CallerResolver } from './callers.js';
import type { Atomically } from './transaction.js';

export type { Atomically, TransactionPorts } from './transaction.js';
import { Continuations } from './shared/continuations.js';
import { PinIssuer } from './shared/pin-issuer.js';
import { TargetResolver } from './shared/targets.js';

export interface SelfServiceSettings {
  requestTtlMs: number;
  requestsPerDay: number;
  decisionsPerMinute: number;
  /** UPNs of approvers who get approval cards in their 1:1 chat. */
  approvers: readonly string[];
}

export interface DeskSettings {
  revealTtlMs: number;
  choiceTtlMs: number;
  /** Most candidates a picker shows; more means "narrow your search". */
  pickerLimit: number;
  /** Most users a find shows before "narrow your search". */
  findLimit: number;
  /** Directory group that confers each role. */
  roleGroups: Record<Role, string>;
  scopedRoles: ScopedRoles;
  roleCacheTtlMs: number;
  selfService: SelfServiceSettings;
  /** DELIVERY_LEASE: how long a sender holds a PIN card it tries (default DELIVERY_LEASE_MS). */
  deliveryLeaseMs?: number | undefined;
}

/** The ports, as wired: failures already translated to desk errors (see ports/guarded.ts). */
export interface DeskDependencies {
  directory: Directory;
  authority: PinAuthority;
  /** Where PIN policies live (PinDesk's store, or the Skype for Business server). */
  policies: PolicyAuthority;
  store: Store;
  atomically: Atomically;
  sealer: Sealer;
  clock: () => Date;
  randomInt: RandomInt;
  settings: DeskSettings;
}

export interface DeskServices extends DeskDependencies {
  callers: CallerResolver;
  continuations: Continuations;
  issuer: PinIssuer;
  targets: TargetResolver;
}

export function buildDeskServices(deps: DeskDependencies): DeskServices {
  const continuations = new Continuations(deps);
  return {
    ...deps,
    callers: new CallerResolver(deps.directory, deps.settings, deps.clock),
    continuations,
    issuer: new PinIssuer(deps),
    targets: new TargetResolver({ ...deps, continuations }),
  };
}
