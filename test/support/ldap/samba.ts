// A throwaway Samba AD domain controller for contoso.com: provisioned into a temporary directory,
// listening on loopback only (LDAP 389, LDAPS 636 with a test CA), with the Skype for Business
// attributes added to the schema (msRTCSIP-*, indexed where AD indexes them). Port 389 is fixed,
// so one per test run.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import { isListening, makeCertificates, run, ServerProcess, waitForPort, type LdapTestServer } from './tools.js';

export const SAMBA = '/usr/sbin/samba';

export interface Samba extends LdapTestServer {
  ldapsUrl: string;
}

const BASE = 'DC=contoso,DC=com';
const SCHEMA = `CN=Schema,CN=Configuration,${BASE}`;

/** The attributes the Skype for Business schema extension adds, with test OIDs. */
const SIP_ATTRIBUTES: Array<{ cn: string; name: string; oid: string; syntax: string; om: string; indexed: boolean }> = [
  { cn: 'ms-RTC-SIP-PrimaryUserAddress', name: 'msRTCSIP-PrimaryUserAddress', oid: '1.3.6.1.4.1.32473.1.1.1', syntax: '2.5.5.12', om: '64', indexed: true },
  { cn: 'ms-RTC-SIP-Line', name: 'msRTCSIP-Line', oid: '1.3.6.1.4.1.32473.1.1.2', syntax: '2.5.5.12', om: '64', indexed: true },
  { cn: 'ms-RTC-SIP-UserEnabled', name: 'msRTCSIP-UserEnabled', oid: '1.3.6.1.4.1.32473.1.1.3', syntax: '2.5.5.8', om: '1', indexed: false },
  { cn: 'ms-RTC-SIP-PrimaryHomeServer', name: 'msRTCSIP-PrimaryHomeServer', oid: '1.3.6.1.4.1.32473.1.1.4', syntax: '2.5.5.12', om: '64', indexed: true },
];

export async function startSamba(): Promise<Samba> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pindesk-samba-'));
  const password = 'Test-Passw0rd-1';
  await run('samba-tool', [
    'domain',
    'provision',
    '--server-role=dc',
    '--dns-backend=NONE',
    '--realm=CONTOSO.COM',
    '--domain=CONTOSO',
    `--adminpass=${password}`,
    `--targetdir=${dir}`,
    '--option=interfaces=lo',
    '--option=bind interfaces only=yes',
  ]);
  const tls = path.join(dir, 'test-tls');
  await mkdir(tls);
  const certificates = await makeCertificates(tls);
  await chmod(certificates.keyFile, 0o600);
  const confFile = path.join(dir, 'etc', 'smb.conf');
  const conf = (await readFile(confFile, 'utf8'))
    .replace(/^\s*server services = .*$/m, '\tserver services = ldap, cldap, kdc, winbindd')
    .replace(/^\s*log file = .*$/m, `\tlog file = ${path.join(dir, 'log.%m')}`)
    .replace(
      '[global]',
      [
        '[global]',
        '\tldap server require strong auth = no',
        '\tdsdb:schema update allowed = true',
        `\tpid directory = ${path.join(dir, 'run')}`,
        '\ttls enabled = yes',
        `\ttls keyfile = ${certificates.keyFile}`,
        `\ttls certfile = ${certificates.certFile}`,
        `\ttls cafile = ${certificates.caFile}`,
      ].join('\n'),
    );
  await writeFile(confFile, conf);
  await mkdir(path.join(dir, 'run'), { recursive: true });

  const server = new ServerProcess(SAMBA, ['-i', '-s', confFile, '--debuglevel=0'], 389);
  const samba: Samba = {
    url: 'ldap://127.0.0.1:389',
    ldapsUrl: 'ldaps://127.0.0.1:636',
    baseDn: BASE,
    bindDn: `CN=Administrator,CN=Users,${BASE}`,
    password,
    certificates,
    async start() {
      if (server.running) return;
      if (await isListening(389)) throw new Error('something already listens on 127.0.0.1:389; stop it (another Samba or slapd) so the Samba AD tests can run');
      await server.start(60_000, 'samba');
      await waitForPort(636, 30_000, 'samba (ldaps)');
      await waitForBind(samba);
    },
    stop: () => server.stop(),
    async destroy() {
      await samba.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await samba.start();
  await extendSchema(samba);
  return samba;
}

async function waitForBind(samba: Samba): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({ url: samba.url, timeout: 5000, connectTimeout: 2000 });
    try {
      await client.bind(samba.bindDn, samba.password);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }
}

/** What the Skype for Business schema preparation does, reduced to the attributes PinDesk reads. */
async function extendSchema(samba: Samba): Promise<void> {
  const client = new Client({ url: samba.url, timeout: 30_000 });
  try {
    await client.bind(samba.bindDn, samba.password);
    for (const a of SIP_ATTRIBUTES) {
      await client.add(`CN=${a.cn},${SCHEMA}`, {
        objectClass: ['top', 'attributeSchema'],
        cn: a.cn,
        lDAPDisplayName: a.name,
        attributeID: a.oid,
        attributeSyntax: a.syntax,
        oMSyntax: a.om,
        isSingleValued: 'TRUE',
        searchFlags: a.indexed ? '1' : '0',
      });
    }
    await client.modify('', new Change({ operation: 'add', modification: new Attribute({ type: 'schemaUpdateNow', values: ['1'] }) }));
    await client.modify(
      `CN=User,${SCHEMA}`,
      new Change({ operation: 'add', modification: new Attribute({ type: 'mayContain', values: SIP_ATTRIBUTES.map((a) => a.name) }) }),
    );
    await client.modify('', new Change({ operation: 'add', modification: new Attribute({ type: 'schemaUpdateNow', values: ['1'] }) }));
  } finally {
    await client.unbind();
  }
}
