// Turns "who the surface says is calling" into a directory user with role grants, read from the
// directory at the moment of each action (or from a cache of at most ROLE_CACHE_TTL).
import { UnknownCallerError } from '../domain/errors.js';
import { grantsFromGroups, rolesOf, type RoleGrant, type ScopedRoles } from '../domain/role-grants.js';
import type { Role } from '../domain/roles.js';
import type { DirectoryUser } from '../domain/user.js';
import type { AccountKey, Directory } from '../ports/directory.js';
import type { CallerView } from './results.js';

/** Who is asking, as far as the surface can vouch for it. */
export interface CallerKey {
  /**
   * What to call them in an audit record or answer if they turn out unknown: always an id (a UPN,
   * an object id, the channel's account id), never a display name the message carried.
   */
  appearsAs: string;
  /** False when the channel is not trusted to vouch for identities. */
  trusted: boolean;
  /** What to tell someone who is not recognised, where the surface knows better (the Emulator). */
  hint?: string | undefined;
  account: AccountKey;
  /** Teams: the roster look-up did not find the caller, or failed (an outage): said so if they stay unknown. */
  rosterLookup?: 'not-found' | 'failed' | undefined;
}

export interface Caller extends CallerView {
  user: DirectoryUser;
  grants: readonly RoleGrant[];
}

export interface CallerSettings {
  roleGroups: Record<Role, string>;
  scopedRoles: ScopedRoles;
  /** 0 = read the directory on every action. */
  roleCacheTtlMs: number;
}

/** Most cached callers kept; the oldest entries go first. */
const CACHE_LIMIT = 10_000;

export class CallerResolver {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();

  constructor(
    private readonly directory: Directory,
    private readonly settings: CallerSettings,
    private readonly clock: () => Date,
  ) {}

  async identify(key: CallerKey): Promise<Caller> {
    if (!key.trusted) throw new UnknownCallerError(key.appearsAs, 'untrusted-channel', key.hint);
    const { userPrincipalName, samAccountName, objectId } = key.account;
    if (!userPrincipalName && !samAccountName && !objectId) throw new UnknownCallerError(key.appearsAs, unknownBecause(key, 'no-identity'), key.hint);
    const cacheKey = JSON.stringify([userPrincipalName, samAccountName, objectId]);
    const now = this.clock().getTime();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) return cached.caller;
    const user = await this.directory.findAccount(key.account);
    if (!user) throw new UnknownCallerError(key.appearsAs, unknownBecause(key, 'not-in-directory'), key.hint);
    const groups = await this.directory.groupsOf(user);
    const grants = grantsFromGroups(groups, this.settings.roleGroups, this.settings.scopedRoles);
    const caller: Caller = { user, grants, roles: rolesOf(grants) };
    if (this.settings.roleCacheTtlMs > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(cacheKey, { caller, until: now + this.settings.roleCacheTtlMs });
    }
    return caller;
  }
}

/** Why a caller stays unknown: what actually failed comes first (a roster outage is not "no user id"). */
function unknownBecause(key: CallerKey, otherwise: 'no-identity' | 'not-in-directory'): UnknownCallerError['reason'] {
  if (key.rosterLookup === 'failed') return 'roster-unavailable';
  if (key.rosterLookup === 'not-found' && otherwise === 'no-identity') return 'not-in-roster';
  return otherwise;
}
