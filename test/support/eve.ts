// Eve Outsider: a user whose CN holds an escaped comma that spells ",OU=Dublin" — she sits directly
// under the domain, NOT in OU=Dublin (issue 12, item 12). Added to a copy of the demo directory for
// tests only; the demo file itself stays as it is.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DirectoryFile, DirectoryFileUser } from '../../src/adapters/directory/directory-file.js';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';

export const EVE: DirectoryFileUser = {
  objectGUID: '6a1f7c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  distinguishedName: 'CN=Eve Outsider\\,OU=Dublin,DC=contoso,DC=com',
  sAMAccountName: 'eoutsider',
  displayName: 'Eve Outsider',
  givenName: 'Eve',
  sn: 'Outsider',
  userPrincipalName: 'eve.outsider@contoso.com',
  mail: 'eve.outsider@contoso.com',
  'msRTCSIP-PrimaryUserAddress': 'sip:eve.outsider@contoso.com',
  'msRTCSIP-Line': 'tel:+14255550190',
  'msRTCSIP-UserEnabled': true,
};

/** The demo directory with Eve added. */
export function withEve(file: DirectoryFile): DirectoryFile {
  return { ...file, users: [...file.users, EVE] };
}

/** Writes the demo directory with Eve added into `dir`; returns the file's path. */
export async function writeDirectoryWithEve(dir: string): Promise<string> {
  const file = path.join(dir, 'directory-with-eve.json');
  const demo = JSON.parse(await readFile(DEMO_DIRECTORY_FILE, 'utf8')) as DirectoryFile;
  await writeFile(file, JSON.stringify(withEve(demo), null, 2));
  return file;
}
