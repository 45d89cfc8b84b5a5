// Real directories for the test suites: each starts its server, loads the demo accounts, and
// gives the environment that points PinDesk at it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_ROLES_FILE } from '../../../src/config.js';
import { startSamba, SAMBA, type Samba } from './samba.js';
import { seedDirectory } from './seed.js';
import { startSlapd, SLAPD, type Slapd } from './slapd.js';
import { requireBinary } from './tools.js';

export interface LdapFixture {
  name: string;
  flavor: 'ad' | 'openldap';
  env: Record<string, string>;
  server: Slapd | Samba;
  stop(): Promise<void>;
}

async function sitesFile(pools: Record<string, string>, base: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'pindesk-sites-')), 'sites.json');
  const rebased = Object.fromEntries(Object.entries(pools).map(([dn, site]) => [dn.replace(/,DC=contoso,DC=com$/i, `,${base}`), site]));
  await writeFile(file, JSON.stringify({ pools: rebased }));
  return file;
}

export const openLdapAvailable = () => requireBinary(SLAPD, 'slapd ldap-utils');
export const sambaAvailable = () => requireBinary(SAMBA, 'samba samba-ad-dc samba-ad-provision winbind krb5-user');

export async function startOpenLdapFixture(): Promise<LdapFixture> {
  // OpenLDAP has no NetBIOS name to read; AD's comes from the base DN.
  return fixture('OpenLDAP', 'openldap', await startSlapd(), { LDAP_NETBIOS_DOMAIN: 'CONTOSO' });
}

export async function startSambaFixture(): Promise<LdapFixture> {
  return fixture('Samba AD', 'ad', await startSamba());
}

async function fixture(name: string, flavor: 'ad' | 'openldap', server: Slapd | Samba, extraEnv: Record<string, string> = {}): Promise<LdapFixture> {
  const demo = await seedDirectory({ url: server.url, bindDn: server.bindDn, password: server.password, baseDn: server.baseDn, flavor });
  return {
    name,
    flavor,
    server,
    env: {
      DIRECTORY: 'ldap',
      LDAP_URL: server.url,
      LDAP_BIND_DN: server.bindDn,
      LDAP_BIND_PASSWORD: server.password,
      LDAP_BASE_DN: server.baseDn,
      LDAP_FLAVOR: flavor,
      LDAP_SITES_FILE: await sitesFile(demo.pools, server.baseDn),
      ROLES_FILE: DEMO_ROLES_FILE,
      LDAP_TIMEOUT: '3s',
      LDAP_CONNECT_TIMEOUT: '2s',
      ...extraEnv,
    },
    stop: () => server.destroy(),
  };
}
