import { describe, expect, it } from 'vitest';
import { describeIdentity, lineNumberOf, normalizeLineNumber, parseIdentity, type IdentityQuery } from '../../src/domain/identity.js';

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

describe('parseIdentity, form by form', () => {
  it.each([
    // A DN starts with its RDN type and has a second RDN.
    ['mycn=a,dc=b', { kind: 'name', text: 'mycn=a,dc=b' }],
    ['uid=ken,ou=people,dc=contoso,dc=com', { kind: 'dn', dn: 'uid=ken,ou=people,dc=contoso,dc=com' }],
    ['OU=Users,DC=contoso', { kind: 'dn', dn: 'OU=Users,DC=contoso' }],
    // An empty attribute value is allowed by RFC 4514: still a DN.
    ['cn=,dc=x', { kind: 'dn', dn: 'cn=,dc=x' }],
    ['cn=a,', { kind: 'name', text: 'cn=a,' }],
    ['cn=a,b', { kind: 'name', text: 'cn=a,b' }],
    // SIP and tel only as prefixes.
    ['my sip:ken@contoso.com', { kind: 'name', text: 'my sip:ken@contoso.com' }],
    ['SIP:', { kind: 'name', text: 'SIP:' }],
    ['TEL:+1 (425) 555-0100', { kind: 'line', number: '+14255550100' }],
    ['tel:14255550100', { kind: 'line', number: '14255550100' }],
    ['call tel:+14255550100', { kind: 'name', text: 'call tel:+14255550100' }],
    ['tel:+14255550100x', { kind: 'name', text: 'tel:+14255550100x' }],
    ['tel:+1.425.555.0100;ext=1', { kind: 'line', number: '+14255550100' }],
    // A bare number needs its + and 4 or more digits or separators.
    ['+1425', { kind: 'line', number: '+1425' }],
    ['+142', { kind: 'name', text: '+142' }],
    ['x+14255550100', { kind: 'name', text: 'x+14255550100' }],
    ['+14255550100 Ken', { kind: 'name', text: '+14255550100 Ken' }],
    // DOMAIN\account, one backslash, no spaces.
    ['my CONTOSO\\kmyer', { kind: 'name', text: 'my CONTOSO\\kmyer' }],
    ['CONTOSO\\kmyer x', { kind: 'name', text: 'CONTOSO\\kmyer x' }],
    ['A\\B\\C', { kind: 'name', text: 'A\\B\\C' }],
    // Addresses: one @, no spaces.
    ['Ken Myer@contoso.com', { kind: 'name', text: 'Ken Myer@contoso.com' }],
    ['ken@contoso.com x', { kind: 'name', text: 'ken@contoso.com x' }],
    ['a@b@c', { kind: 'name', text: 'a@b@c' }],
  ])('%s', (text, expected) => {
    expect(parseIdentity(text)).toEqual(expected);
  });
});

describe('line numbers', () => {
  it.each([
    ['+1 (425) 555-0100', '+14255550100'],
    ['  +1 425', '+1425'],
    ['1-425', '1425'],
    ['', ''],
  ])('normalizeLineNumber(%j) = %s', (number, normalized) => {
    expect(normalizeLineNumber(number)).toBe(normalized);
  });

  it('lineNumberOf takes the number before any parameter, with or without tel:', () => {
    expect(lineNumberOf('TEL:+1 425;ext=1')).toBe('+1425');
    expect(lineNumberOf('+14255550100')).toBe('+14255550100');
    expect(lineNumberOf('')).toBe('');
  });
});

describe('describeIdentity', () => {
  it.each<[IdentityQuery, string]>([
    [{ kind: 'sip', address: 'ken@contoso.com' }, 'sip:ken@contoso.com'],
    [{ kind: 'email', address: 'ken@contoso.com' }, 'ken@contoso.com'],
    [{ kind: 'line', number: '+14255550100' }, '+14255550100'],
    [{ kind: 'dn', dn: 'CN=Ken,DC=x' }, 'CN=Ken,DC=x'],
    [{ kind: 'domain-account', domain: 'CONTOSO', sam: 'kmyer' }, 'CONTOSO\\kmyer'],
    [{ kind: 'name', text: 'Ken' }, 'Ken'],
    [{ kind: 'extension', extension: '0100' }, 'extension 0100'],
  ])('%o → %s', (query, text) => {
    expect(describeIdentity(query)).toBe(text);
  });
});

