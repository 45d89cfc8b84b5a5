// Role checks at the moment an action runs: the caller holds a role allowing it somewhere, and
// (scoped roles) for this user. Refusals name what is missing.
import { MissingRoleError, OutOfScopeError } from '../domain/errors.js';
import { authorize as decide, containerOf } from '../domain/role-grants.js';
import { rolesAllowed, type Permission } from '../domain/roles.js';
import { summarize, type DirectoryUser } from '../domain/user.js';
import type { Caller } from './callers.js';

/** The caller holds a role allowing this somewhere. */
export function authorize(caller: Caller, permission: Permission): void {
  if (decide(caller.grants, permission).allowed) return;
  const allowed = rolesAllowed(permission);
  throw new MissingRoleError(permission, allowed === 'everyone' ? [] : allowed);
}

/** ...and for this user (scoped roles); refused as if the role were missing when held nowhere. */
export function authorizeOn(caller: Caller, permission: Permission, target: DirectoryUser): void {
  const decision = decide(caller.grants, permission, target);
  if (decision.allowed) return;
  if (decision.because === 'role') return authorize(caller, permission);
  throw new OutOfScopeError(
    permission,
    summarize(target),
    { ou: containerOf(target.dn), site: target.site },
    decision.held.map((g) => ({ role: g.role, via: g.via, ous: g.scope?.ous ?? [], sites: g.scope?.sites ?? [] })),
  );
}

/** Whether the caller may act on this user, without throwing (for offering buttons). */
export function mayActOn(caller: Caller, permission: Permission, target: DirectoryUser): boolean {
  return decide(caller.grants, permission, target).allowed;
}
