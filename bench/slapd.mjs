// A real OpenLDAP (slapd) loaded with a benchmark directory (slapadd), on a free loopback port.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeSlapdConfig } from '../scripts/slapd-config.mjs';

export async function startSlapdWith(work, directoryFile) {
  const dir = mkdtempSync(path.join(work, 'slapd-'));
  mkdirSync(path.join(dir, 'db'));
  const baseDn = 'dc=contoso,dc=com';
  const bindDn = `cn=admin,${baseDn}`;
  const password = 'bench-secret';
  const conf = writeSlapdConfig({ dir, baseDn, bindDn, password });
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8'));
  const lines = [`dn: ${baseDn}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Contoso', 'dc: contoso', '', `dn: ou=Users,${baseDn}`, 'objectClass: organizationalUnit', 'ou: Users', '', `dn: ou=Groups,${baseDn}`, 'objectClass: organizationalUnit', 'ou: Groups', ''];
  const dnOf = new Map();
  for (const u of directory.users) {
    const dn = `uid=${u.sAMAccountName},ou=Users,${baseDn}`;
    dnOf.set(u.sAMAccountName.toLowerCase(), dn);
    lines.push(`dn: ${dn}`, 'objectClass: inetOrgPerson', 'objectClass: pinDeskUser', `uid: ${u.sAMAccountName}`, `cn: ${u.displayName}`, `sn: ${u.sn ?? u.displayName}`, `displayName: ${u.displayName}`);
    if (u.givenName) lines.push(`givenName: ${u.givenName}`);
    if (u.mail) lines.push(`mail: ${u.mail}`);
    lines.push(`sAMAccountName: ${u.sAMAccountName}`, `userPrincipalName: ${u.userPrincipalName}`, `msRTCSIP-UserEnabled: ${u['msRTCSIP-UserEnabled'] ? 'TRUE' : 'FALSE'}`);
    for (const a of ['msRTCSIP-PrimaryUserAddress', 'msRTCSIP-Line', 'msRTCSIP-PrimaryHomeServer']) if (u[a]) lines.push(`${a}: ${u[a]}`);
    lines.push('');
  }
  for (const g of directory.groups) dnOf.set(g.sAMAccountName.toLowerCase(), `cn=${g.sAMAccountName},ou=Groups,${baseDn}`);
  for (const g of directory.groups) {
    lines.push(`dn: cn=${g.sAMAccountName},ou=Groups,${baseDn}`, 'objectClass: groupOfNames', `cn: ${g.sAMAccountName}`, ...g.members.map((m) => `member: ${dnOf.get(m.toLowerCase())}`), '');
  }
  const ldif = path.join(dir, 'users.ldif');
  writeFileSync(ldif, lines.join('\n'));
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', conf, '-l', ldif], { stdio: 'ignore' });
  const port = await freePort();
  const child = spawn('/usr/sbin/slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: 'ignore' });
  for (let i = 0; i < 150 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 100));
  const sites = path.join(dir, 'sites.json');
  writeFileSync(sites, JSON.stringify({ pools: directory.pools }));
  return {
    env: { DIRECTORY: 'ldap', LDAP_URL: `ldap://127.0.0.1:${port}`, LDAP_BIND_DN: bindDn, LDAP_BIND_PASSWORD: password, LDAP_BASE_DN: baseDn, LDAP_FLAVOR: 'openldap', LDAP_NETBIOS_DOMAIN: 'CONTOSO', LDAP_SITES_FILE: sites },
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
