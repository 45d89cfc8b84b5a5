// Where PIN policies live, and who applies them: PinDesk's own store (the built-in authority) or
// the Skype for Business server (PIN_AUTHORITY=sfb, New/Set/Remove/Grant/Get-CsPinPolicy there).
// The desk reads and changes policies only through this port.
import type { EffectivePolicy, PinPolicy, PolicyIdentity } from '../domain/policy.js';
import type { DirectoryUser } from '../domain/user.js';

/** The policy that governs a user, and what it was found from. */
export interface GoverningPolicy extends EffectivePolicy {
  /** The per-user policy granted to the user (tag name, without `tag:`), if any. */
  grantedTag?: string | undefined;
}

export interface PolicyAuthority {
  readonly name: string;
  /**
   * Who applies PINHistoryCount when PinDesk sets a PIN: PinDesk itself, or the server, which
   * keeps the history and skips it for a PIN an administrator sets (so PinDesk cannot apply it).
   */
  readonly history: 'pindesk' | 'server';
  /**
   * True when the policies are rows of the store (the built-in authority): a change reads and
   * writes them in one store transaction. A server's are changed outside any transaction.
   */
  readonly joinsStoreTransaction?: boolean;
  /** Every policy, by PinDesk identity (`Global`, `site:Redmond`, `tag:StrictPin`). */
  policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>>;
  /**
   * The policy governing `user`, found as the authority finds it (per-user, else site, else
   * Global). `known`: the policies this use case already read, for an authority that would read them again.
   */
  governing(user: DirectoryUser, known?: ReadonlyMap<PolicyIdentity, PinPolicy>): Promise<GoverningPolicy>;
  /** New-CsPinPolicy (`create`) or Set-CsPinPolicy (`change`), with every setting of `policy`. */
  save(policy: PinPolicy, how: 'create' | 'change'): Promise<void>;
  /** Remove-CsPinPolicy: a site or per-user policy goes (its grants with it); Global is reset to the defaults. */
  remove(identity: PolicyIdentity): Promise<void>;
  /** Grant-CsPinPolicy: a per-user policy (tag name), or none (back to the site or Global). */
  grant(user: DirectoryUser, tag: string | undefined): Promise<void>;
}
