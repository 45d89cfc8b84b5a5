// The demo directory enlarged to N users: the demo accounts (so Pilar and the role groups exist)
// plus synthetic users spread over both sites, with unique names, accounts, SIP addresses and lines.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const FIRST = ['Alex', 'Blair', 'Casey', 'Dana', 'Eli', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lena', 'Mo', 'Nia', 'Omar', 'Pia', 'Quinn', 'Rui', 'Sol', 'Tess'];

export function syntheticUser(i) {
  const n = String(i).padStart(6, '0');
  const first = FIRST[i % FIRST.length];
  const last = `Bench${n}`;
  const hash = createHash('sha1').update(`bench-${i}`).digest('hex');
  const guid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  return {
    sam: `b${n}`,
    first,
    last,
    display: `${first} ${last}`,
    upn: `b${n}@contoso.com`,
    line: `tel:+1425${String(6000000 + i).padStart(7, '0')}`,
    guid,
  };
}

export function generateDirectory(demoFile, users, outFile) {
  const demo = JSON.parse(readFileSync(demoFile, 'utf8'));
  const pools = Object.keys(demo.pools);
  for (let i = 0; demo.users.length < users; i++) {
    const u = syntheticUser(i);
    const site = i % 2 === 0 ? 'Redmond' : 'Dublin';
    demo.users.push({
      objectGUID: u.guid,
      distinguishedName: `CN=${u.display},OU=Users,OU=${site},DC=contoso,DC=com`,
      sAMAccountName: u.sam,
      displayName: u.display,
      givenName: u.first,
      sn: u.last,
      userPrincipalName: u.upn,
      mail: u.upn,
      'msRTCSIP-PrimaryUserAddress': `sip:${u.upn}`,
      'msRTCSIP-Line': u.line,
      'msRTCSIP-UserEnabled': true,
      'msRTCSIP-PrimaryHomeServer': pools[i % pools.length],
    });
  }
  writeFileSync(outFile, JSON.stringify(demo));
  return demo;
}
