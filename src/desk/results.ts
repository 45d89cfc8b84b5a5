// What the desk answers. Surfaces (chat, CLI) render these; none holds a PIN
// except RevealView.pin, which exists only for the moment of a Reveal.
import type { TargetedCommand } from '../domain/commands.js';
import type { ListAction } from '../domain/commands.js';
import type { PinRequest } from '../domain/pin-request.js';
import type { EffectivePolicy, PinPolicy } from '../domain/policy.js';
import type { AuditRecord, Delivery, DeliveryState } from '../ports/store.js';
import type { PinStatus } from '../domain/pin-state.js';
import type { RoleGrant } from '../domain/role-grants.js';
import type { Permission, Role } from '../domain/roles.js';
import type { UserSummary } from '../domain/user.js';

export interface CallerView {
  user: UserSummary;
  roles: ReadonlySet<Role>;
}

/** Non-secret facts about a PIN change, kept with the sealed PIN to redraw its card on each click. */
export interface PinSetDetails {
  target: UserSummary;
  policyIdentity: string;
  changedAt: string;
  pinExpiresAt?: string | undefined;
  generated: boolean;
  unlockedFirst: boolean;
  addresseeName: string;
  /** The permission the addressee must still hold when revealing. */
  permission: Permission;
  /** The server applies PINHistoryCount, not PinDesk (PIN_AUTHORITY=sfb); absent: PinDesk checked it. */
  historyBy?: 'server' | undefined;
  /** `ignore-history` was given where it changes nothing (the server keeps the history). */
  ignoreHistoryAsked?: boolean | undefined;
}

/** A PIN card to show again: the PIN itself stays sealed until Reveal. */
export interface PinCard {
  details: PinSetDetails;
  revealRef: string;
  revealExpiresAt: Date;
}

/** A PIN just set and sealed for its addressee. */
export interface IssuedPin {
  details: PinSetDetails;
  revealRef: string;
  revealExpiresAt: Date;
  /** generated / manual, history override, unlocked first: for the audit trail. */
  auditReason: string;
  /** The outbox record of its card, when it goes to a chat. */
  deliveryId?: string | undefined;
  /** That record as written: already claimed for the first try, when the change committed with it. */
  claimed?: Delivery | undefined;
}

/** A request and what its cards show about the requester. */
export interface RequestView {
  request: PinRequest;
  requester?: UserSummary | undefined;
  policyIdentity?: string | undefined;
  pinLocked: boolean;
  /** An approved reset: where the new PIN's card is (posted, still being sent, or not deliverable). */
  delivery?: DeliveryState | undefined;
}

export type DeskResult =
  | ({ kind: 'help'; caller: CallerView } & HelpView)
  | { kind: 'whoami'; caller: CallerView; groups: readonly string[]; grants: readonly RoleGrant[] }
  /** `deliveryId`: its card waits in the outbox for the caller's 1:1 chat (`elsewhere`: not this conversation). */
  | { kind: 'pin-set'; details: PinSetDetails; revealRef: string; revealExpiresAt: Date; deliveryId?: string | undefined; claimed?: Delivery | undefined; elsewhere?: boolean | undefined }
  | { kind: 'pin-unlocked'; target: UserSummary; wasLocked: boolean }
  | { kind: 'pin-locked'; target: UserSummary; wasLocked: boolean }
  | { kind: 'pin-status'; target: UserSummary; status: PinStatus; policy: EffectivePolicy }
  | {
      kind: 'choose-user';
      ref: string;
      command: TargetedCommand['kind'];
      query: string;
      candidates: readonly UserSummary[];
      more: boolean;
    }
  | { kind: 'users-found'; query: string; users: readonly ListedUser[]; more: boolean; /** For the per-user buttons. */ ref?: string | undefined }
  | { kind: 'search-saved'; name: string; query: string }
  | { kind: 'searches'; searches: ReadonlyArray<{ name: string; query: string }> }
  | { kind: 'search-deleted'; name: string }
  /** `expired`: the requester's previous request, found past its time and expired just now. */
  | { kind: 'request-created'; view: RequestView; expired?: RequestView | undefined }
  | { kind: 'request-exists'; view: RequestView }
  | { kind: 'request-updated'; view: RequestView; change: 'approved' | 'denied' | 'cancelled' | 'expired' | 'unchanged'; pin?: IssuedPin | undefined }
  /** `pins`: the caller's own PIN cards still waiting (not delivered), to send again with the list. */
  | { kind: 'requests'; views: readonly RequestView[]; mine: boolean; pins?: readonly PinCard[] | undefined }
  | { kind: 'my-pins'; pins: readonly PinCard[] }
  | { kind: 'approvals-channel'; on: boolean; changed: boolean }
  | { kind: 'policy'; policy: PinPolicy; source: EffectivePolicy['scope']; user?: UserSummary | undefined }
  | { kind: 'policies'; policies: readonly PinPolicy[] }
  | { kind: 'policy-changed'; change: 'created' | 'changed' | 'removed' | 'reset'; identity: string; policy: PinPolicy | undefined }
  | { kind: 'policy-granted'; user: UserSummary; policyName: string | undefined; effective: EffectivePolicy }
  | { kind: 'audit'; records: readonly AuditRecord[]; about: UserSummary | undefined };

export interface HelpLine {
  usage: string;
  example: string;
}

/** What `help` lists: the lines the caller's roles allow, then those for everyone. */
export interface HelpView {
  lines: readonly HelpLine[];
  forEveryone: readonly HelpLine[];
  /** May do more than ask for their own PIN. */
  admin: boolean;
  /** Said to those who may set PINs when the server applies PINHistoryCount (PIN_AUTHORITY=sfb). */
  historyBy?: 'server' | undefined;
}

/** A find result row: the user and what the caller may do to them (role and scope allowing). */
export interface ListedUser {
  user: UserSummary;
  actions: ReadonlyArray<ListAction>;
}

export interface RevealView {
  details: PinSetDetails;
  revealRef: string;
  expiresAt: Date;
  /** Present only for a Reveal that is still within its time. */
  pin?: string | undefined;
  expired: boolean;
}
