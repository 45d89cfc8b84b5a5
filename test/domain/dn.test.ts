// Distinguished names are parsed (RFC 4514) before they are compared: escapes, case, spaces and
// multi-valued RDNs. Examples first, then properties over generated DNs (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnKey, escapeDnValue, formatDn, isAtOrBelow, isBelow, normalizeDn, parentDn, parseDn, sameDn, tryParseDn, type Ava, type Dn } from '../../src/domain/dn.js';

const DUBLIN = 'OU=Dublin,DC=contoso,DC=com';

describe('parsing DNs (RFC 4514)', () => {
  it('an escaped comma is part of the value, not a separator', () => {
    const eve = parseDn('CN=Eve Outsider\\,OU=Dublin,DC=contoso,DC=com');
    expect(eve).toEqual([[{ type: 'CN', value: 'Eve Outsider,OU=Dublin' }], [{ type: 'DC', value: 'contoso' }], [{ type: 'DC', value: 'com' }]]);
    expect(isBelow(eve, DUBLIN)).toBe(false);
    expect(isBelow(eve, 'DC=contoso,DC=com')).toBe(true);
    expect(formatDn(parentDn(eve))).toBe('DC=contoso,DC=com');
  });

  it('hex escapes, including UTF-8 sequences and an escaped comma written in hex', () => {
    expect(parseDn('CN=Eve Outsider\\2COU=Dublin,DC=contoso,DC=com')[0]).toEqual([{ type: 'CN', value: 'Eve Outsider,OU=Dublin' }]);
    expect(parseDn('CN=Ren\\C3\\A9 Dupont,OU=x')[0]![0]!.value).toBe('René Dupont');
    expect(parseDn('CN=a\\\\,OU=b')).toEqual([[{ type: 'CN', value: 'a\\' }], [{ type: 'OU', value: 'b' }]]);
    expect(() => parseDn('CN=\\C3,OU=x')).toThrow(/not UTF-8/);
  });

  it('spaces around "=", "," and "+" do not count; escaped and inner spaces do', () => {
    expect(sameDn('cn = Ken Myer , ou=Users,  DC = contoso', 'CN=Ken Myer,OU=Users,DC=contoso')).toBe(true);
    expect(parseDn('CN=a\\ ,OU=b')[0]![0]!.value).toBe('a ');
    expect(parseDn('CN=\\ a,OU=b')[0]![0]!.value).toBe(' a');
  });

  it('types and values compare case-insensitively; OIDs of common types match their names', () => {
    expect(sameDn('cn=KEN MYER,ou=users,dc=CONTOSO,dc=com', 'CN=Ken Myer,OU=Users,DC=contoso,DC=com')).toBe(true);
    expect(sameDn('2.5.4.3=Ken Myer,2.5.4.11=Users', 'CN=Ken Myer,OU=Users')).toBe(true);
    expect(sameDn('CN=Ken Myer,OU=Users', 'CN=Ken Meyer,OU=Users')).toBe(false);
  });

  it('a multi-valued RDN is a set of AVAs', () => {
    const dn = parseDn('CN=Ken Myer + UID=kmyer,OU=Users');
    expect(dn[0]).toEqual([{ type: 'CN', value: 'Ken Myer' }, { type: 'UID', value: 'kmyer' }]);
    expect(sameDn(dn, 'uid=kmyer+cn=ken myer,ou=users')).toBe(true);
    expect(sameDn(dn, 'CN=Ken Myer,OU=Users')).toBe(false);
  });

  it('#hex values, quoted values and RFC 2253 ";" separators', () => {
    expect(parseDn('UID=#04024869,DC=x')[0]).toEqual([{ type: 'UID', value: '04024869', binary: true }]);
    expect(parseDn('CN="Smith, John",OU=x')[0]![0]!.value).toBe('Smith, John');
    expect(sameDn('CN=a;OU=b', 'CN=a,OU=b')).toBe(true);
  });

  it.each(['CN', 'CN=a,', ',CN=a', 'CN=a,,OU=b', '=a', 'C N=a', 'CN=#0', 'CN="a', 'CN=a\\'])('refuses %j', (text) => {
    expect(tryParseDn(text)).toBeUndefined();
  });

  it('text that is not a DN is never inside or equal to one', () => {
    expect(isBelow('CN=x,,OU=Dublin,DC=contoso,DC=com', DUBLIN)).toBe(false);
    expect(sameDn('garbage', 'garbage')).toBe(false);
    expect(normalizeDn('garbage')).not.toBe(normalizeDn('cn=garbage'));
  });
});

// ---- properties ---------------------------------------------------------------------------------

const typeArb = fc.oneof(
  fc.constantFrom('CN', 'OU', 'DC', 'O', 'L', 'uid', 'sAMAccountName', 'x-Custom'),
  fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 2, maxLength: 5 }).map((parts) => parts.join('.')),
);
/** Any Unicode text, with the characters that matter to DN syntax made likely. */
const valueArb = fc.string({ unit: fc.oneof(fc.constantFrom(',', '+', ';', '\\', '"', '=', '#', ' ', '<', '>', '\0', '\n', 'é', 'Ｄ'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
const avaArb: fc.Arbitrary<Ava> = fc.record({ type: typeArb, value: valueArb });
const rdnArb = fc.array(avaArb, { minLength: 1, maxLength: 3 });
const dnArb: fc.Arbitrary<Dn> = fc.array(rdnArb, { minLength: 1, maxLength: 5 });

describe('DN properties', () => {
  it('formatting then parsing gives the same DN back', () => {
    fc.assert(
      fc.property(dnArb, (dn) => {
        expect(parseDn(formatDn(dn))).toEqual(dn);
      }),
      { numRuns: 500 },
    );
  });

  it('an escaped value parses back to itself, whatever it holds', () => {
    fc.assert(
      fc.property(valueArb, (value) => {
        expect(parseDn(`CN=${escapeDnValue(value)},DC=x`)[0]).toEqual([{ type: 'CN', value }]);
      }),
      { numRuns: 500 },
    );
  });

  it('writing any character as UTF-8 hex escapes names the same DN', () => {
    const hexEscaped = (value: string) => [...new TextEncoder().encode(value)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    fc.assert(fc.property(dnArb, (dn) => {
      const text = dn.map((rdn) => rdn.map((ava) => `${ava.type}=${hexEscaped(ava.value)}`).join('+')).join(',');
      expect(parseDn(text)).toEqual(dn);
    }), { numRuns: 300 });
  });

  it('case and spaces around separators never change which DN it is', () => {
    const flipCase = (text: string, seed: number) => [...text].map((c, i) => ((seed >> (i % 16)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');
    fc.assert(
      fc.property(dnArb, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 3 }), (dn, seed, spaces) => {
        // Plain ASCII values, so that case folding is unambiguous.
        const plain = dn.map((rdn) => rdn.map((ava) => ({ type: ava.type, value: ava.value.replace(/[^a-z0-9]/gi, 'x') })));
        const pad = ' '.repeat(spaces);
        const text = plain.map((rdn) => rdn.map((ava) => `${pad}${flipCase(ava.type, seed)}${pad}=${pad}${flipCase(escapeDnValue(ava.value), seed >> 3)}${pad}`).join('+')).join(',');
        expect(dnKey(parseDn(text))).toBe(dnKey(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('a DN is below its parent and every ancestor, never below itself or a descendant', () => {
    fc.assert(
      fc.property(dnArb, rdnArb, (dn, child) => {
        const below = [child, ...dn];
        expect(isBelow(below, dn)).toBe(true);
        expect(dnKey(parentDn(below))).toBe(dnKey(dn));
        for (let n = 0; n < dn.length; n++) expect(isBelow(dn, dn.slice(n + 1))).toBe(true);
        expect(isBelow(dn, dn)).toBe(false);
        expect(isAtOrBelow(dn, dn)).toBe(true);
        expect(isBelow(dn, below)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a value that spells out a base DN (escaped) does not put the entry under that base', () => {
    fc.assert(
      fc.property(dnArb, dnArb, valueArb, (base, elsewhere, prefix) => {
        // "CN=<prefix>,<base>" as one escaped value, then a parent that is not under base.
        fc.pre(!isAtOrBelow(elsewhere, base));
        const trick: Dn = [[{ type: 'CN', value: `${prefix},${formatDn(base)}` }], ...elsewhere];
        expect(isBelow(formatDn(trick), formatDn(base))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
