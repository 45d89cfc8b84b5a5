import { describe, expect, it } from 'vitest';
import { normalizeDn } from '../../src/domain/dn.js';
import { authorize, containerOf, grantsFromGroups, inScope, rolesOf, scopedRolesFileSchema } from '../../src/domain/role-grants.js';

const roleGroups = { CsAdministrator: 'CsAdministrator', CsUserAdministrator: 'CsUserAdministrator', CsHelpDesk: 'CsHelpDesk', CsViewOnlyAdministrator: 'CsViewOnlyAdministrator' };
// Parsed inside each test (not at import): a broken schema then fails tests instead of the file's import.
const scopedRoles = () =>
  scopedRolesFileSchema.parse({
    scopedRoles: [
      { group: 'Dublin Helpdesk', template: 'CsHelpDesk', userScopes: ['OU:OU=Dublin,DC=contoso,DC=com'] },
      { group: 'Redmond Admins', template: 'CsUserAdministrator', userScopes: ['site:Redmond'] },
    ],
  }).scopedRoles;

const dublinUser = { dn: 'CN=Ken Meyer,OU=Users,OU=Dublin,DC=contoso,DC=com', site: 'Dublin' };
const redmondUser = { dn: 'CN=Ken Myer, OU=Users, OU=Redmond, DC=contoso, DC=com', site: 'Redmond' };

describe('role grants', () => {
  it('standard groups grant everywhere; scoped groups grant their template inside the scope', () => {
    const grants = grantsFromGroups(new Set(['dublin helpdesk', 'Other']), roleGroups, scopedRoles());
    expect(grants).toEqual([{ role: 'CsHelpDesk', via: 'dublin helpdesk', scope: { ous: ['OU=Dublin,DC=contoso,DC=com'], sites: [] } }]);
    expect(authorize(grants, 'pin.unlock', dublinUser)).toEqual({ allowed: true });
    expect(authorize(grants, 'pin.unlock', redmondUser)).toMatchObject({ allowed: false, because: 'scope' });
    expect(authorize(grants, 'pin.set', dublinUser)).toEqual({ allowed: false, because: 'role' });
    expect(authorize(grants, 'pin.unlock')).toEqual({ allowed: true });
  });

  it('site scopes match the user site', () => {
    const grants = grantsFromGroups(new Set(['Redmond Admins']), roleGroups, scopedRoles());
    expect(authorize(grants, 'pin.set', redmondUser).allowed).toBe(true);
    expect(authorize(grants, 'pin.set', dublinUser).allowed).toBe(false);
  });

  it('an unscoped role anywhere wins over a scoped one', () => {
    const grants = grantsFromGroups(new Set(['Dublin Helpdesk', 'CsHelpDesk']), roleGroups, scopedRoles());
    expect(authorize(grants, 'pin.lock', redmondUser).allowed).toBe(true);
  });

  it('OU scopes compare DNs, not strings', () => {
    expect(normalizeDn('CN=A, OU = Users ,DC=x')).toBe('cn=a,ou=users,dc=x');
    expect(inScope({ ous: ['ou=users,ou=redmond,dc=contoso,dc=com'], sites: [] }, redmondUser)).toBe(true);
    // A look-alike OU name is not the same OU.
    expect(inScope({ ous: ['OU=Dublin,DC=contoso,DC=com'], sites: [] }, { dn: 'CN=X,OU=NotDublin,DC=contoso,DC=com' })).toBe(false);
    expect(containerOf('CN=Smith\\, John,OU=Users,DC=x')).toBe('OU=Users,DC=x');
  });

  it('an escaped comma in a CN is not an OU: Eve Outsider is not in OU=Dublin (issue 12)', () => {
    const dublin = { ous: ['OU=Dublin,DC=contoso,DC=com'], sites: [] };
    expect(inScope(dublin, { dn: 'CN=Eve Outsider\\,OU=Dublin,DC=contoso,DC=com' })).toBe(false);
    expect(inScope(dublin, { dn: 'CN=Eve Outsider\\2cOU=Dublin,DC=contoso,DC=com' })).toBe(false);
    expect(inScope(dublin, { dn: 'CN=x,OU=Dublin\\,DC=contoso,DC=com' })).toBe(false);
    expect(containerOf('CN=Eve Outsider\\,OU=Dublin,DC=contoso,DC=com')).toBe('DC=contoso,DC=com');
    // ...while the same OU written another way (case, spaces, hex escapes, a multi-valued RDN) is still it.
    expect(inScope(dublin, { dn: 'cn=Ken Meyer , ou = users, ou=DUBLIN,dc=contoso,dc=com' })).toBe(true);
    expect(inScope(dublin, { dn: 'CN=Ken\\20Meyer+UID=kmeyer,OU=Users,OU=\\44ublin,DC=contoso,DC=com' })).toBe(true);
    expect(inScope({ ous: ['ou = dublin , dc = contoso , dc = com'], sites: [] }, { dn: 'CN=Ken Meyer,OU=Users,OU=Dublin,DC=contoso,DC=com' })).toBe(true);
    // A DN that does not parse is in no OU.
    expect(inScope(dublin, { dn: 'CN=x,,OU=Dublin,DC=contoso,DC=com' })).toBe(false);
  });

  it('the roles file is validated', () => {
    expect(scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: 'G', template: 'CsHelpDesk', userScopes: ['OU:Dublin'] }] }).success).toBe(false);
    expect(scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: 'G', template: 'CsNobody', userScopes: ['OU:x'] }] }).success).toBe(false);
    expect(scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: 'G', template: 'CsHelpDesk', userScopes: ['Dublin'] }] }).success).toBe(false);
    expect(scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: 'G', template: 'CsHelpDesk', userScopes: [] }] }).success).toBe(false);
  });
});

describe('role grants, edge by edge', () => {
  it('the roles file: scopes are OU:<dn> or site:<name>, at least one; no file means no scoped roles', () => {
    expect(scopedRolesFileSchema.parse({})).toEqual({ scopedRoles: [] });
    const scopes = (userScopes: string[]) => scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: 'Dublin Helpdesk', template: 'CsHelpDesk', userScopes }] });
    expect(scopes(['site:Dublin', 'ou:OU=Dublin,DC=contoso,DC=com']).success).toBe(true);
    expect(scopes(['SITE:D']).success).toBe(true);
    for (const bad of ['xsite:Dublin', 'site:', 'site', 'Dublin', 'site:Dublin\n']) expect(scopes([bad]).success, bad).toBe(false);
    expect(scopes(['Dublin']).error?.issues[0]?.message).toBe('each scope is "OU:<dn>" or "site:<name>"');
    expect(scopes([]).error?.issues[0]?.message).toBe('a scoped role needs at least one scope');
    expect(scopedRolesFileSchema.safeParse({ scopedRoles: [{ group: '', template: 'CsHelpDesk', userScopes: ['site:x'] }] }).success).toBe(false);
  });

  it('scope values are trimmed; sites compare without case', () => {
    const [grant] = grantsFromGroups(new Set(['G']), roleGroups, [{ group: 'g', template: 'CsHelpDesk', userScopes: ['OU: OU=Dublin,DC=contoso,DC=com ', 'Site: Redmond '] }]);
    expect(grant).toEqual({ role: 'CsHelpDesk', via: 'G', scope: { ous: ['OU=Dublin,DC=contoso,DC=com'], sites: ['Redmond'] } });
    expect(inScope(grant!.scope, { dn: 'CN=X,OU=Elsewhere,DC=contoso,DC=com', site: 'REDMOND' })).toBe(true);
    expect(inScope(grant!.scope, { dn: 'CN=X,OU=Elsewhere,DC=contoso,DC=com' })).toBe(false);
    expect(inScope(undefined, { dn: 'CN=X' })).toBe(true);
  });

  it('standard role groups match without case and name the group as the directory spells it', () => {
    const grants = grantsFromGroups(new Set(['csadministrator', 'CSHELPDESK']), roleGroups, []);
    expect(grants).toEqual([
      { role: 'CsAdministrator', via: 'csadministrator' },
      { role: 'CsHelpDesk', via: 'CSHELPDESK' },
    ]);
    expect(rolesOf(grants)).toEqual(new Set(['CsAdministrator', 'CsHelpDesk']));
    expect(rolesOf([])).toEqual(new Set());
  });

  it('DNs compare with spaces around "=" and "," ignored, escaped commas kept', () => {
    expect(normalizeDn('OU= Users')).toBe('ou=users');
    expect(normalizeDn('OU =Users')).toBe('ou=users');
    expect(normalizeDn('CN=Smith\\, John ,OU=X')).toBe('cn=smith\\, john,ou=x');
    expect(containerOf('CN=A, OU=Users, DC=x ')).toBe('OU=Users,DC=x');
    expect(containerOf('CN=A')).toBe('');
  });

  it('what everyone may do needs no role and no scope', () => {
    expect(authorize([], 'request.own', dublinUser)).toEqual({ allowed: true });
    expect(authorize([], 'request.own')).toEqual({ allowed: true });
    expect(authorize([], 'pin.status', dublinUser)).toEqual({ allowed: false, because: 'role' });
  });

  it('a scope refusal lists what the caller holds for that permission', () => {
    const grants = grantsFromGroups(new Set(['Dublin Helpdesk', 'Redmond Admins']), roleGroups, scopedRoles());
    expect(authorize(grants, 'pin.set', dublinUser)).toEqual({ allowed: false, because: 'scope', held: [grants[1]] });
    expect(authorize(grants, 'pin.unlock', { dn: 'CN=X,OU=Paris,DC=contoso,DC=com', site: 'Paris' })).toEqual({ allowed: false, because: 'scope', held: grants });
  });
});

