import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirectoryFileError, FileDirectory, loadFileDirectory } from '../../src/adapters/directory/file-directory.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { parseIdentity } from '../../src/domain/identity.js';

let directory: FileDirectory;
beforeAll(async () => {
  directory = await loadFileDirectory(DEMO_DIRECTORY_FILE);
});

const find = async (text: string) => (await directory.search(parseIdentity(text)!, 10)).map((u) => u.samAccountName);

describe('the demo directory', () => {
  it('holds the accounts tests and outside checks rely on', async () => {
    const expected = [
      ['kmyer', 'Ken Myer', 'ken.myer@contoso.com', 'tel:+14255550100', 'Redmond'],
      ['kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com', 'tel:+14255550110', 'Dublin'],
      ['pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com', 'tel:+14255550101', 'Redmond'],
      ['anne', 'Anne Wallace', 'anne.wallace@contoso.com', 'tel:+14255550102', 'Dublin'],
      ['chris', 'Chris Cannon', 'chris.cannon@contoso.com', 'tel:+14255550103', 'Redmond'],
      ['vera', 'Vera Lee', 'vera.lee@contoso.com', 'tel:+14255550104', 'Dublin'],
    ];
    for (const [sam, name, upn, line, site] of expected) {
      const user = await directory.findAccount({ samAccountName: sam });
      expect(user).toMatchObject({ displayName: name, userPrincipalName: upn, sipAddress: `sip:${upn}`, lineUri: line, site, enabled: true });
    }
  });

  it('gives roles through (nested) groups', async () => {
    const groupsOf = async (sam: string) => [...(await directory.groupsOf((await directory.findAccount({ samAccountName: sam }))!))].sort();
    expect(await groupsOf('pilar')).toEqual(['CsUserAdministrator', 'Helpdesk Tier 1']);
    expect(await groupsOf('anne')).toEqual(['CsAdministrator']);
    expect(await groupsOf('chris')).toEqual(['CsHelpDesk']);
    expect(await groupsOf('vera')).toEqual(['CsViewOnlyAdministrator']);
    expect(await groupsOf('kmyer')).toEqual([]);
  });
});

describe('search: every identity form of the spec', () => {
  it.each([
    ['Ken Myer', ['kmyer']],
    ['ken myer', ['kmyer']],
    ['Ken', ['kmeyer', 'kmyer', 'kendra']],
    ['Myer', ['kmyer']],
    ['Mey', ['kmeyer']],
    ['kmyer', ['kmyer']],
    ['CONTOSO\\kmyer', ['kmyer']],
    ['FABRIKAM\\kmyer', []],
    ['ken.myer@contoso.com', ['kmyer']],
    ['sip:ken.myer@contoso.com', ['kmyer']],
    ['SIP:Ken.Myer@Contoso.com', ['kmyer']],
    ['tel:+14255550100', ['kmyer']],
    ['+14255550100', ['kmyer']],
    ['tel:+14255550107;ext=0107', ['jsmith']],
    ['+1425555010', ['kmyer', 'pilar', 'anne', 'chris', 'vera', 'oward', 'mhanson', 'jsmith', 'asmith', 'kendra']],
    ['CN=Ken Myer,OU=Users,OU=Redmond,DC=contoso,DC=com', ['kmyer']],
    ['Smith', ['asmith', 'jsmith']],
    ['ken.m', ['kmeyer', 'kmyer']],
  ])('%s', async (text, expected) => {
    expect((await find(text)).sort()).toEqual([...expected].sort());
  });

  it.each(['*', 'Ken*', '* Smith', '*)(cn=*', 'Ken\\', '\u0000', '(', ')'])('%s is plain text, not a wildcard or filter', async (text) => {
    expect(await find(text)).toEqual([]);
  });

  it('respects the limit', async () => {
    expect(await directory.search({ kind: 'line', number: '+1425' }, 3)).toHaveLength(3);
  });

  it('finds callers by UPN, object id or account name', async () => {
    expect((await directory.findAccount({ userPrincipalName: 'PILAR.ACKERMAN@contoso.com' }))?.samAccountName).toBe('pilar');
    expect((await directory.findAccount({ objectId: (await directory.findAccount({ samAccountName: 'anne' }))!.id.toUpperCase() }))?.samAccountName).toBe('anne');
    expect(await directory.findAccount({ userPrincipalName: 'nobody@contoso.com' })).toBeUndefined();
  });

  it('suggests close names for a typo', async () => {
    expect((await directory.suggest('Ken Myre', 3)).map((u) => u.samAccountName)).toContain('kmyer');
    expect(await directory.suggest('zzzzzz', 3)).toEqual([]);
  });
});

describe('a directory file is validated', () => {
  const write = async (content: unknown) => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'dir-')), 'directory.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const user = {
    objectGUID: '20a3e008-5fb3-5a07-9da8-268d3b204d31',
    distinguishedName: 'CN=A,DC=x',
    sAMAccountName: 'a',
    displayName: 'A',
    userPrincipalName: 'a@x.com',
  };

  it('reports bad JSON and bad fields by name', async () => {
    await expect(loadFileDirectory(await write('{'))).rejects.toThrow(DirectoryFileError);
    await expect(loadFileDirectory(await write({ domain: 'X', users: [{ ...user, userPrincipalName: 'nope' }] }))).rejects.toThrow(/users.0.userPrincipalName/);
    await expect(loadFileDirectory(await write({ domain: 'X', users: [user, { ...user, objectGUID: '9a57f91b-9514-591d-8aa4-d70aceb57997' }] }))).rejects.toThrow(/used twice/);
    await expect(loadFileDirectory(await write({ domain: 'X', users: [user], groups: [{ sAMAccountName: 'G', members: ['ghost'] }] }))).rejects.toThrow(/ghost/);
  });

  it('survives membership cycles', async () => {
    const dir = await loadFileDirectory(
      await write({
        domain: 'X',
        users: [user],
        groups: [
          { sAMAccountName: 'G1', members: ['a', 'G2'] },
          { sAMAccountName: 'G2', members: ['G1'] },
        ],
      }),
    );
    expect([...(await dir.groupsOf((await dir.findAccount({ samAccountName: 'a' }))!))].sort()).toEqual(['G1', 'G2']);
  });
});
