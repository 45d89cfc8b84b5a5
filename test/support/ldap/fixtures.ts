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
  const slapd = await startSlapd();
  const demo = await seedDirectory({ url: slapd.url, bindDn: slapd.bindDn, password: slapd.password, baseDn: slapd.baseDn, flavor: 'openldap' });
  return {
    name: 'OpenLDAP',
    flavor: 'openldap',
    server: slapd,
    env: {
      DIRECTORY: 'ldap',
      LDAP_URL: slapd.url,
      LDAP_BIND_DN: slapd.bindDn,
      LDAP_BIND_PASSWORD: slapd.password,
      LDAP_BASE_DN: slapd.baseDn,
      LDAP_FLAVOR: 'openldap',
      LDAP_NETBIOS_DOMAIN: 'CONTOSO',
      LDAP_SITES_FILE: await sitesFile(demo.pools, slapd.baseDn),
      ROLES_FILE: DEMO_ROLES_FILE,
      LDAP_TIMEOUT: '3s',
      LDAP_CONNECT_TIMEOUT: '2s',
    },
    stop: () => slapd.destroy(),
  };
}

export async function startSambaFixture(): Promise<LdapFixture> {
  const samba = await startSamba();
  const demo = await seedDirectory({ url: samba.url, bindDn: samba.bindDn, password: samba.password, baseDn: samba.baseDn, flavor: 'ad' });
  return {
    name: 'Samba AD',
    flavor: 'ad',
    server: samba,
    env: {
      DIRECTORY: 'ldap',
      LDAP_URL: samba.url,
      LDAP_BIND_DN: samba.bindDn,
      LDAP_BIND_PASSWORD: samba.password,
      LDAP_BASE_DN: samba.baseDn,
      LDAP_FLAVOR: 'ad',
      LDAP_SITES_FILE: await sitesFile(demo.pools, samba.baseDn),
      ROLES_FILE: DEMO_ROLES_FILE,
      LDAP_TIMEOUT: '3s',
      LDAP_CONNECT_TIMEOUT: '2s',
    },
    stop: () => samba.destroy(),
  };
}
