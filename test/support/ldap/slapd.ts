// A throwaway OpenLDAP server: temporary config and database, a free loopback port, the shared
// test configuration (scripts/slapd-config.mjs).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { writeSlapdConfig } from '../../../scripts/slapd-config.mjs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, makeCertificates, run, ServerProcess, type LdapTestServer } from './tools.js';

export const SLAPD = '/usr/sbin/slapd';


export interface Slapd extends LdapTestServer {
  port: number;
}

export async function startSlapd(): Promise<Slapd> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-slapd-'));
  await mkdir(path.join(dir, 'db'));
  const certificates = await makeCertificates(dir);
  const port = await freePort();
  const baseDn = 'dc=contoso,dc=com';
  const bindDn = `cn=admin,${baseDn}`;
  const password = 'test-secret';
  writeSlapdConfig({ dir, baseDn, bindDn, password, tls: certificates });
  await run('/usr/sbin/slaptest', ['-f', path.join(dir, 'slapd.conf'), '-u']);
  const server = new ServerProcess(SLAPD, ['-f', path.join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], port);
  const slapd: Slapd = {
    url: `ldap://127.0.0.1:${port}`,
    port,
    baseDn,
    bindDn,
    password,
    certificates,
    async start() {
      await server.start(15_000, 'slapd');
    },
    stop: () => server.stop(),
    async destroy() {
      await slapd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await slapd.start();
  return slapd;
}
