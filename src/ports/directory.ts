// Where users and their groups come from: the demo directory file, or Active Directory / OpenLDAP
import type { IdentityQuery } from '../domain/identity.js';
import type { DirectoryUser } from '../domain/user.js';
import type { UserSearch } from '../domain/user-search.js';

/** How a chat caller is looked up: the keys a channel can vouch for. */
export interface AccountKey {
  userPrincipalName?: string | undefined;
  samAccountName?: string | undefined;
  objectId?: string | undefined;
}

export interface Directory {
  /**
   * Users matching the query, at most `limit`. Name queries match by prefix (display name, first
   * name, last name, account name), and users whose display name or account name equals the text
   * come first, so callers can prefer an exact match. Never a scan of the whole directory.
   */
  search(query: IdentityQuery, limit: number): Promise<DirectoryUser[]>;
  /** Control Panel style search: text (any identity form, prefix) and filter clauses, at most `limit`. */
  find(search: UserSearch, limit: number): Promise<DirectoryUser[]>;
  getById(id: string): Promise<DirectoryUser | undefined>;
  findAccount(key: AccountKey): Promise<DirectoryUser | undefined>;
  /** Names of every group the user belongs to, through nested groups. */
  groupsOf(user: DirectoryUser): Promise<ReadonlySet<string>>;
  /** Users whose names are close to text that matched nobody ("did you mean"). */
  suggest(text: string, limit: number): Promise<DirectoryUser[]>;
  /** The site names registrar pools map to (for site policies). */
  sites(): Promise<string[]>;
  /** Throws when the directory cannot answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
