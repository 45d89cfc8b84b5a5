// The Skype for Business RBAC roles PinDesk honours, and what each may do (spec: "Roles").
// Pure data: the directory decides who holds a role, this table decides what a role allows.

export const ROLES = ['CsAdministrator', 'CsUserAdministrator', 'CsHelpDesk', 'CsViewOnlyAdministrator'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'pin.set',
  'pin.unlock',
  'pin.lock',
  'pin.status',
  'user.find',
  'policy.grant',
  'policy.manage',
  'request.decide',
  'request.own',
  'approvals.manage',
  'audit.view',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TABLE: Record<Permission, readonly Role[] | 'everyone'> = {
  'pin.set': ['CsAdministrator', 'CsUserAdministrator'],
  'pin.unlock': ['CsAdministrator', 'CsUserAdministrator', 'CsHelpDesk'],
  'pin.lock': ['CsAdministrator', 'CsUserAdministrator', 'CsHelpDesk'],
  'pin.status': ['CsAdministrator', 'CsUserAdministrator', 'CsHelpDesk', 'CsViewOnlyAdministrator'],
  'user.find': ['CsAdministrator', 'CsUserAdministrator', 'CsHelpDesk', 'CsViewOnlyAdministrator'],
  'policy.grant': ['CsAdministrator', 'CsUserAdministrator'],
  'policy.manage': ['CsAdministrator'],
  // Our rule: CsHelpDesk may unlock but not set, so it may not approve a reset either.
  'request.decide': ['CsAdministrator', 'CsUserAdministrator'],
  'request.own': 'everyone',
  // Where approval cards go is an organisation-wide setting.
  'approvals.manage': ['CsAdministrator'],
  // The audit of actions on other users; everyone may see their own.
  'audit.view': ['CsAdministrator', 'CsUserAdministrator'],
};

export function rolesAllowed(permission: Permission): readonly Role[] | 'everyone' {
  return TABLE[permission];
}

export function can(roles: ReadonlySet<Role>, permission: Permission): boolean {
  const allowed = TABLE[permission];
  if (allowed === 'everyone') return true;
  return allowed.some((role) => roles.has(role));
}
