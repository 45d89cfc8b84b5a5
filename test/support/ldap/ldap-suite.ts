// What only a real LDAP server can show: every identity form as one indexed query, filter
// characters as data, nested groups and cycles, TLS, failover, an outage and the recovery after
// it, and a wrong bind password named for the operator.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryFile } from '../../../src/adapters/directory/directory-file.js';
import { LdapDirectory } from '../../../src/adapters/ldap/ldap-directory.js';
import { DEMO_DIRECTORY_FILE, loadConfig } from '../../../src/config.js';
import { parseIdentity } from '../../../src/domain/identity.js';
import { cardOf, cardText, startHarness } from '../harness.js';
import type { LdapFixture } from './fixtures.js';
import { AWKWARD_USER, CYCLE_GROUPS } from './seed.js';
import { freePort } from './tools.js';

export function ldapSuite(fixture: () => LdapFixture): void {
  describe('the LDAP directory', () => {
    let directory: LdapDirectory;
    beforeAll(() => {
      const config = loadConfig(fixture().env);
      if (config.directory.kind !== 'ldap') throw new Error('not an LDAP configuration');
      directory = new LdapDirectory(config.directory.ldap);
    });
    afterAll(async () => directory?.close());

    const find = async (text: string) => (await directory.search(parseIdentity(text)!, 10)).map((u) => u.samAccountName).sort();

    it.each([
      ['Ken Myer', ['kmyer']],
      ['Ken', ['kendra', 'kmeyer', 'kmyer']],
      ['Myer', ['kmyer']],
      ['kmyer', ['kmyer']],
      ['CONTOSO\\kmyer', ['kmyer']],
      ['FABRIKAM\\kmyer', []],
      ['ken.myer@contoso.com', ['kmyer']],
      ['sip:ken.myer@contoso.com', ['kmyer']],
      ['tel:+14255550100', ['kmyer']],
      ['+14255550100', ['kmyer']],
      ['tel:+14255550107;ext=0107', ['jsmith']],
      ['ken.m', ['kmeyer', 'kmyer']],
    ])('resolves %s', async (text, expected) => {
      expect(await find(text)).toEqual(expected);
    });

    it('resolves a distinguished name, and only under the base', async () => {
      const pilar = (await directory.findAccount({ samAccountName: 'pilar' }))!;
      expect(await find(pilar.dn)).toEqual(['pilar']);
      expect(await find('CN=Ken Myer,OU=Users,OU=Redmond,DC=fabrikam,DC=com')).toEqual([]);
    });

    it.each(['*', 'Ken*', '*)(objectClass=*', '*)(|(sAMAccountName=*', '\\2a', 'k\\2amyer', 'Ken\u0000', '\u0000', 'CN=Ken Myer', 'ou=Users', ')('])(
      'treats %j as data, matching nothing unintended',
      async (text) => {
        expect(await find(text)).toEqual([]);
      },
    );

    it('finds the user whose name holds filter characters, exactly', async () => {
      expect(await find(AWKWARD_USER.displayName)).toEqual([AWKWARD_USER.sam]);
      expect(await find('Star (Test)')).toEqual([AWKWARD_USER.sam]);
      expect(await find('Star (Test) \\')).toEqual([AWKWARD_USER.sam]);
    });

    it('finds groups through nesting, and survives a membership cycle', async () => {
      const pilar = (await directory.findAccount({ samAccountName: 'pilar' }))!;
      const groups = [...(await directory.groupsOf(pilar))].sort();
      expect(groups).toEqual([...CYCLE_GROUPS, 'CsUserAdministrator', 'Helpdesk Tier 1'].sort());
    });

    it('maps registrar pools to sites and reads objectGUID / entryUUID as the id', async () => {
      const ken = (await directory.findAccount({ userPrincipalName: 'ken.myer@contoso.com' }))!;
      expect(ken.site).toBe('Redmond');
      expect(ken.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect((await directory.getById(ken.id))?.samAccountName).toBe('kmyer');
      expect((await directory.findAccount({ objectId: ken.id.toUpperCase() }))?.samAccountName).toBe('kmyer');
      expect((await directory.findAccount({ samAccountName: 'mhanson' }))?.enabled).toBe(false);
    });

    it('pages through results and stops at the limit', async () => {
      const config = loadConfig({ ...fixture().env, LDAP_PAGE_SIZE: '2' });
      if (config.directory.kind !== 'ldap') throw new Error('not LDAP');
      const paged = new LdapDirectory(config.directory.ldap);
      try {
        const all = await paged.find({ clauses: [{ property: 'lineUri', operator: 'starts-with', value: '+1425' }] }, 100);
        // Every page, nothing twice: the demo accounts with a +1425 line, and the awkward one.
        const demo = JSON.parse(await readFile(DEMO_DIRECTORY_FILE, 'utf8')) as DirectoryFile;
        const expected = demo.users.filter((u) => u['msRTCSIP-Line']?.startsWith('tel:+1425')).map((u) => u.sAMAccountName);
        expect(all.map((u) => u.samAccountName).sort()).toEqual([...expected, AWKWARD_USER.sam].sort());
        expect(await paged.find({ clauses: [{ property: 'lineUri', operator: 'starts-with', value: '+1425' }] }, 5)).toHaveLength(5);
      } finally {
        await paged.close();
      }
    });

    it('suggests close names', async () => {
      expect((await directory.suggest('Ken Myre', 3)).map((u) => u.samAccountName)).toContain('kmyer');
    });
  });

  describe('connection behaviour', () => {
    it('fails over to the next URL when the first server is down', async () => {
      const dead = await freePort();
      const h = await startHarness({ ...fixture().env, LDAP_URL: `ldap://127.0.0.1:${dead},${fixture().env.LDAP_URL}` });
      try {
        expect(cardText(cardOf((await h.emulator('vera').say('pin status Ken Myer')).sent[0]))).toContain('PIN status for Ken Myer');
        expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
      } finally {
        await h.stop();
      }
    });

    it('names the setting when the bind password is wrong', async () => {
      const h = await startHarness({ ...fixture().env, LDAP_BIND_PASSWORD: 'wrong-password' });
      try {
        const ready = await fetch(`${h.app.url}/readyz`);
        expect(ready.status).toBe(503);
        // Anyone may ask /readyz: a reason code there; the setting to fix is named in the log.
        expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'directory-bind-refused' });
        const logged = h.logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'not ready');
        expect(logged.at(-1)).toMatchObject({ level: 50, reason: 'directory-bind-refused' });
        expect(logged.at(-1).err.message).toMatch(/LDAP_BIND_DN \/ LDAP_BIND_PASSWORD: .* refused the bind/);
        expect((await h.emulator('vera').say('pin status Ken Myer')).sent[0]!.activity.text).toMatch(/directory isn't answering/);
      } finally {
        await h.stop();
      }
    });

    it('answers clearly while the server is down, and recovers by itself when it returns', async () => {
      const h = await startHarness(fixture().env);
      const server = fixture().server;
      try {
        expect(cardText(cardOf((await h.emulator('vera').say('pin status Ken Myer')).sent[0]))).toContain('PIN status for Ken Myer');
        await server.stop();
        const started = Date.now();
        const down = await h.emulator('vera').say('pin status Ken Myer');
        expect(down.sent[0]!.activity.text).toMatch(/directory isn't answering right now, so I changed nothing/);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect((await fetch(`${h.app.url}/readyz`)).status).toBe(503);
        await server.start();
        expect(cardText(cardOf((await h.emulator('vera').say('pin status Ken Myer')).sent[0]))).toContain('PIN status for Ken Myer');
        expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
      } finally {
        await server.start().catch(() => undefined);
        await h.stop();
      }
    }, 120_000);
  });
}
