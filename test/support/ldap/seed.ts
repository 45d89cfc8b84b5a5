// Loads the demo directory (the same accounts the file-directory tests use) into a real LDAP
// server, as Active Directory or OpenLDAP entries, plus what only LDAP can get wrong: a user whose
// name holds filter characters, and a membership cycle.
import { readFile } from 'node:fs/promises';
import { Attribute, Change, Client, DN } from 'ldapts';
import { DEMO_DIRECTORY_FILE } from '../../../src/config.js';
import type { DirectoryFile } from '../../../src/adapters/directory/directory-file.js';

export interface SeedTarget {
  url: string;
  bindDn: string;
  password: string;
  baseDn: string;
  flavor: 'ad' | 'openldap';
}

/** Extra test accounts and groups, beyond the demo directory. */
export const AWKWARD_USER = { sam: 'star', displayName: 'Star (Test) \\ User*', sip: 'sip:star@contoso.com' };
export const CYCLE_GROUPS = ['Cycle A', 'Cycle B'];

const AD_UNIVERSAL_SECURITY = '-2147483640';

export async function seedDirectory(target: SeedTarget): Promise<DirectoryFile> {
  const demo = JSON.parse(await readFile(DEMO_DIRECTORY_FILE, 'utf8')) as DirectoryFile;
  const client = new Client({ url: target.url, timeout: 30_000 });
  await client.bind(target.bindDn, target.password);
  const ad = target.flavor === 'ad';
  const base = target.baseDn;
  try {
    if (!ad) await client.add(base, { objectClass: ['dcObject', 'organization'], o: 'Contoso', dc: 'contoso' });
    const groupsOu = ad ? `CN=Users,${base}` : `OU=Groups,${base}`;
    const containers = new Set<string>();
    if (!ad) await client.add(groupsOu, { objectClass: ['top', 'organizationalUnit'] });
    const users = [...demo.users];
    users.push({
      ...demo.users[0]!,
      objectGUID: '00000000-0000-4000-8000-000000000001',
      distinguishedName: new DN({ CN: AWKWARD_USER.displayName }).addRDNs({ OU: 'Users' }).addRDNs({ OU: 'Redmond' }).toString() + ',DC=contoso,DC=com',
      sAMAccountName: AWKWARD_USER.sam,
      displayName: AWKWARD_USER.displayName,
      givenName: 'Star',
      sn: 'User*',
      userPrincipalName: 'star@contoso.com',
      mail: 'star@contoso.com',
      'msRTCSIP-PrimaryUserAddress': AWKWARD_USER.sip,
      'msRTCSIP-Line': 'tel:+14255550199',
    });
    for (const user of users) {
      const dn = rebase(user.distinguishedName, base);
      for (const container of parents(dn, base)) {
        if (containers.has(container.toLowerCase())) continue;
        containers.add(container.toLowerCase());
        await client.add(container, { objectClass: ['top', 'organizationalUnit'] }).catch(ignoreExists);
      }
      const sip: Record<string, string> = {};
      if (user['msRTCSIP-PrimaryUserAddress']) sip['msRTCSIP-PrimaryUserAddress'] = user['msRTCSIP-PrimaryUserAddress'];
      if (user['msRTCSIP-Line']) sip['msRTCSIP-Line'] = user['msRTCSIP-Line'];
      if (user['msRTCSIP-PrimaryHomeServer']) sip['msRTCSIP-PrimaryHomeServer'] = user['msRTCSIP-PrimaryHomeServer'];
      sip['msRTCSIP-UserEnabled'] = user['msRTCSIP-UserEnabled'] ? 'TRUE' : 'FALSE';
      const common = {
        sAMAccountName: user.sAMAccountName,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        ...(user.givenName ? { givenName: user.givenName } : {}),
        sn: user.sn ?? user.displayName,
        ...(user.mail ? { mail: user.mail } : {}),
        ...sip,
      };
      await client.add(dn, ad ? { objectClass: ['top', 'person', 'organizationalPerson', 'user'], ...common } : { objectClass: ['inetOrgPerson', 'pinDeskUser'], cn: user.displayName, ...common });
    }

    // Groups: create all, then fill (nesting and cycles need the members to exist first).
    const groups = [...demo.groups, { sAMAccountName: CYCLE_GROUPS[0]!, members: ['pilar', CYCLE_GROUPS[1]!] }, { sAMAccountName: CYCLE_GROUPS[1]!, members: [CYCLE_GROUPS[0]!] }];
    const dnOf = new Map<string, string>();
    for (const user of users) dnOf.set(user.sAMAccountName.toLowerCase(), rebase(user.distinguishedName, base));
    for (const group of groups) dnOf.set(group.sAMAccountName.toLowerCase(), `CN=${group.sAMAccountName},${groupsOu}`);
    const placeholder = `CN=placeholder,${groupsOu}`;
    if (!ad) await client.add(placeholder, { objectClass: ['organizationalRole'], cn: 'placeholder' });
    for (const group of groups) {
      const dn = dnOf.get(group.sAMAccountName.toLowerCase())!;
      await client.add(
        dn,
        ad
          ? { objectClass: ['top', 'group'], sAMAccountName: group.sAMAccountName, groupType: AD_UNIVERSAL_SECURITY }
          : { objectClass: ['groupOfNames'], cn: group.sAMAccountName, member: placeholder },
      );
    }
    for (const group of groups) {
      const members = group.members.map((m) => dnOf.get(m.toLowerCase())!);
      await client.modify(dnOf.get(group.sAMAccountName.toLowerCase())!, new Change({ operation: 'replace', modification: new Attribute({ type: 'member', values: members }) }));
    }
    if (!ad) await client.del(placeholder);
    return demo;
  } finally {
    await client.unbind();
  }
}

/** The demo DNs end in DC=contoso,DC=com; put them under the server's base. */
function rebase(dn: string, base: string): string {
  return dn.replace(/,DC=contoso,DC=com$/i, `,${base}`);
}

/** Containers to create above `dn`, top first, stopping at the base. */
function parents(dn: string, base: string): string[] {
  const parts = dn.split(/(?<!\\),/);
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 1; i--) {
    const candidate = parts.slice(i).join(',');
    if (candidate.length <= base.length) continue;
    if (/^OU=/i.test(candidate)) out.push(candidate);
  }
  return out;
}

function ignoreExists(error: { code?: number }): void {
  if (error.code !== 68) throw error;
}
