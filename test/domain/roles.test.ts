// The spec's role table, cell by cell.
import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES, rolesAllowed, type Permission, type Role } from '../../src/domain/roles.js';

const Y = true;
const N = false;
// columns: CsAdministrator, CsUserAdministrator, CsHelpDesk, CsViewOnlyAdministrator, anyone else
const TABLE: Record<Permission, [boolean, boolean, boolean, boolean, boolean]> = {
  'pin.set': [Y, Y, N, N, N],
  'pin.unlock': [Y, Y, Y, N, N],
  'pin.lock': [Y, Y, Y, N, N],
  'pin.status': [Y, Y, Y, Y, N],
  'user.find': [Y, Y, Y, Y, N],
  'policy.grant': [Y, Y, N, N, N],
  'policy.manage': [Y, N, N, N, N],
  'request.decide': [Y, Y, N, N, N],
  'request.own': [Y, Y, Y, Y, Y],
  'approvals.manage': [Y, N, N, N, N],
  'audit.view': [Y, Y, N, N, N],
};

describe('role → permission table', () => {
  it('covers every permission', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...PERMISSIONS].sort());
  });

  for (const permission of PERMISSIONS) {
    it.each([...ROLES.map((r): [Role | 'none', number] => [r, ROLES.indexOf(r)]), ['none', 4] as [Role | 'none', number]])(
      `${permission} for %s`,
      (role, column) => {
        const roles = new Set<Role>(role === 'none' ? [] : [role]);
        expect(can(roles, permission)).toBe(TABLE[permission][column]);
      },
    );
  }

  it('holding several roles gives the union', () => {
    expect(can(new Set<Role>(['CsViewOnlyAdministrator', 'CsHelpDesk']), 'pin.unlock')).toBe(true);
    expect(can(new Set<Role>(['CsViewOnlyAdministrator', 'CsHelpDesk']), 'pin.set')).toBe(false);
  });
});

describe('rolesAllowed (what a refusal names as needed)', () => {
  it.each(PERMISSIONS.map((p) => [p]))('%s', (permission) => {
    const allowed = rolesAllowed(permission);
    const expected = TABLE[permission][4] ? 'everyone' : ROLES.filter((_, column) => TABLE[permission][column]);
    expect(allowed).toEqual(expected);
  });
});

