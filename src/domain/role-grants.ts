// Who may do what to whom. A caller holds grants: a standard role group (CsHelpDesk…) gives the
// role everywhere; a scoped role group (New-CsAdminRole -Template CsHelpDesk -UserScopes
// "OU:OU=Dublin,DC=contoso,DC=com") gives the template role for users under those OUs or sites.
import { z } from 'zod';
import { formatDn, isBelow, parentDn, tryParseDn } from './dn.js';
import { can, ROLES, type Permission, type Role } from './roles.js';
import type { DirectoryUser } from './user.js';

export interface Scope {
  ous: readonly string[];
  sites: readonly string[];
}

export interface RoleGrant {
  role: Role;
  /** The group it comes from, for messages. */
  via: string;
  /** Undefined = the whole organisation. */
  scope?: Scope | undefined;
}

export const scopedRolesFileSchema = z.object({
  scopedRoles: z
    .array(
      z.object({
        /** The custom role group in the directory. */
        group: z.string().min(1),
        template: z.enum(ROLES),
        /** As New-CsAdminRole -UserScopes: "OU:<ou dn>" or "site:<site name>". */
        userScopes: z
          .array(
            z
              .string()
              .regex(/^(ou|site):.+$/i, 'each scope is "OU:<dn>" or "site:<name>"')
              .refine((scope) => !/^ou:/i.test(scope) || (tryParseDn(scope.slice(3))?.length ?? 0) > 0, 'OU:<dn> needs a distinguished name (RFC 4514), like OU:OU=Dublin,DC=contoso,DC=com'),
          )
          .min(1, 'a scoped role needs at least one scope'),
      }),
    )
    .default([]),
});

export type ScopedRoles = z.infer<typeof scopedRolesFileSchema>['scopedRoles'];

/** The grants a set of group names confers. */
export function grantsFromGroups(groups: ReadonlySet<string>, roleGroups: Record<Role, string>, scoped: ScopedRoles): RoleGrant[] {
  const lowered = new Map([...groups].map((g) => [g.toLowerCase(), g]));
  const grants: RoleGrant[] = [];
  for (const role of ROLES) {
    const group = lowered.get(roleGroups[role].toLowerCase());
    if (group) grants.push({ role, via: group });
  }
  for (const definition of scoped) {
    const group = lowered.get(definition.group.toLowerCase());
    if (!group) continue;
    const scope = { ous: [] as string[], sites: [] as string[] };
    for (const entry of definition.userScopes) {
      const [, kind = '', value = ''] = /^(ou|site):(.+)$/i.exec(entry) ?? [];
      if (kind.toLowerCase() === 'ou') scope.ous.push(value.trim());
      else scope.sites.push(value.trim());
    }
    grants.push({ role: definition.template, via: group, scope });
  }
  return grants;
}

export function rolesOf(grants: readonly RoleGrant[]): ReadonlySet<Role> {
  return new Set(grants.map((g) => g.role));
}

/** The OU a user sits in (the DN without its first RDN), for messages; '' when the DN does not parse. */
export function containerOf(dn: string): string {
  const parsed = tryParseDn(dn);
  return parsed ? formatDn(parentDn(parsed)) : '';
}

/**
 * Whether a scope covers a user: below one of its OUs (DNs parsed and compared RDN by RDN, so an
 * escaped `\,OU=Dublin` inside a CN is not Dublin), or at one of its sites.
 */
export function inScope(scope: Scope | undefined, user: Pick<DirectoryUser, 'dn' | 'site'>): boolean {
  if (!scope) return true;
  const dn = tryParseDn(user.dn);
  if (dn && scope.ous.some((ou) => isBelow(dn, ou))) return true;
  return Boolean(user.site && scope.sites.some((site) => site.toLowerCase() === user.site!.toLowerCase()));
}

export type Authorization = { allowed: true } | { allowed: false; because: 'role' } | { allowed: false; because: 'scope'; held: readonly RoleGrant[] };

/** Role first (anywhere), then — when a target is known — its scope. */
export function authorize(grants: readonly RoleGrant[], permission: Permission, target?: Pick<DirectoryUser, 'dn' | 'site'>): Authorization {
  const holding = grants.filter((g) => can(new Set([g.role]), permission));
  if (holding.length === 0 && !can(new Set(), permission)) return { allowed: false, because: 'role' };
  if (!target || holding.length === 0 || holding.some((g) => inScope(g.scope, target))) return { allowed: true };
  return { allowed: false, because: 'scope', held: holding };
}
