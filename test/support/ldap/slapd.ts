// A throwaway OpenLDAP server: temporary config and database, a free loopback port, mdb with the
// memberof and refint overlays, and a small test schema (private OID arc 1.3.6.1.4.1.32473, the
// documentation arc) defining sAMAccountName, userPrincipalName and the msRTCSIP-* attributes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, makeCertificates, run, waitForPort, waitForPortClosed, type TestCertificates } from './tools.js';

export const SLAPD = '/usr/sbin/slapd';

const SCHEMA = `
attributetype ( 1.3.6.1.4.1.32473.2.1.1 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.2 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.3 NAME 'msRTCSIP-PrimaryUserAddress' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.4 NAME 'msRTCSIP-Line' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.5 NAME 'msRTCSIP-UserEnabled' EQUALITY booleanMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.6 NAME 'msRTCSIP-PrimaryHomeServer' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.2.2.1 NAME 'pinDeskUser' SUP top AUXILIARY MAY ( sAMAccountName $ userPrincipalName $ msRTCSIP-PrimaryUserAddress $ msRTCSIP-Line $ msRTCSIP-UserEnabled $ msRTCSIP-PrimaryHomeServer ) )
`;

export interface Slapd {
  url: string;
  port: number;
  baseDn: string;
  bindDn: string;
  password: string;
  certificates: TestCertificates;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startSlapd(): Promise<Slapd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-slapd-'));
  await mkdir(path.join(dir, 'db'));
  const certificates = await makeCertificates(dir);
  const port = await freePort();
  const baseDn = 'dc=contoso,dc=com';
  const bindDn = `cn=admin,${baseDn}`;
  const password = 'test-secret';
  await writeFile(path.join(dir, 'pindesk.schema'), SCHEMA);
  await writeFile(
    path.join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${path.join(dir, 'pindesk.schema')}`,
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      'moduleload refint',
      `TLSCACertificateFile ${certificates.caFile}`,
      `TLSCertificateFile ${certificates.certFile}`,
      `TLSCertificateKeyFile ${certificates.keyFile}`,
      'database mdb',
      'maxsize 104857600',
      `suffix "${baseDn}"`,
      `rootdn "${bindDn}"`,
      `rootpw ${password}`,
      `directory ${path.join(dir, 'db')}`,
      'index objectClass eq',
      'index cn,sn,givenName,displayName,mail eq,sub',
      'index sAMAccountName,userPrincipalName,msRTCSIP-PrimaryUserAddress,msRTCSIP-Line eq,sub',
      'index member,entryUUID,msRTCSIP-PrimaryHomeServer eq',
      'overlay memberof',
      'overlay refint',
      'refint_attributes member',
      '',
    ].join('\n'),
  );
  await run('/usr/sbin/slaptest', ['-f', path.join(dir, 'slapd.conf'), '-u']);
  let child: ChildProcess | undefined;
  const slapd: Slapd = {
    url: `ldap://127.0.0.1:${port}`,
    port,
    baseDn,
    bindDn,
    password,
    certificates,
    async start() {
      if (child && child.exitCode === null) return;
      child = spawn(SLAPD, ['-f', path.join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: 'ignore' });
      await waitForPort(port, 15_000, 'slapd');
    },
    async stop() {
      if (!child) return;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      child = undefined;
      await waitForPortClosed(port, 5000);
    },
    async destroy() {
      await slapd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await slapd.start();
  return slapd;
}
