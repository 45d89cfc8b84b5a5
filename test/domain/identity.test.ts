import { describe, expect, it } from 'vitest';
import { lineNumberOf, parseIdentity } from '../../src/domain/identity.js';

describe('parseIdentity', () => {
  it.each([
    ['Ken Myer', { kind: 'name', text: 'Ken Myer' }],
    ['  Ken   Myer ', { kind: 'name', text: 'Ken Myer' }],
    ['kmyer', { kind: 'name', text: 'kmyer' }],
    ['CONTOSO\\kmyer', { kind: 'domain-account', domain: 'CONTOSO', sam: 'kmyer' }],
    ['contoso\\KMyer', { kind: 'domain-account', domain: 'CONTOSO', sam: 'kmyer' }],
    ['Ken.Myer@contoso.com', { kind: 'email', address: 'ken.myer@contoso.com' }],
    ['sip:Ken.Myer@contoso.com', { kind: 'sip', address: 'ken.myer@contoso.com' }],
    ['tel:+14255550100', { kind: 'line', number: '+14255550100' }],
    ['tel:+14255550100;ext=0100', { kind: 'line', number: '+14255550100' }],
    ['+14255550100', { kind: 'line', number: '+14255550100' }],
    ['+1 (425) 555-0100', { kind: 'line', number: '+14255550100' }],
    ['CN=Ken Myer,OU=Users,OU=Redmond,DC=contoso,DC=com', { kind: 'dn', dn: 'CN=Ken Myer,OU=Users,OU=Redmond,DC=contoso,DC=com' }],
    ['*)(uid=*', { kind: 'name', text: '*)(uid=*' }],
    ['Smith*', { kind: 'name', text: 'Smith*' }],
    ['', undefined],
  ])('%s', (text, expected) => {
    expect(parseIdentity(text)).toEqual(expected);
  });

  it('normalizes line URIs for comparison', () => {
    expect(lineNumberOf('tel:+14255550107;ext=0107')).toBe('+14255550107');
  });
});
