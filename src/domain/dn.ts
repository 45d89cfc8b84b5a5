// Distinguished names (RFC 4514), parsed before they are compared. Text comparison of DNs is
// wrong both ways: `CN=Eve Outsider\,OU=Dublin,DC=contoso,DC=com` ENDS WITH ",OU=Dublin,DC=…" but
// Eve sits directly under the domain (her CN holds an escaped comma), while
// `cn=Ken Myer, ou = Users,DC=x` and `CN=Ken\20Myer,OU=Users,DC=x` name the same entry. So:
// escapes (`\,`, `\\`, hex `\2C`, UTF-8 `\C3\A9`) are decoded, attribute types and values compare
// case-insensitively (values also width-insensitively and with insignificant spaces folded, as
// LDAP's caseIgnoreMatch does), spaces around `=`, `,` and `+` are ignored, and a multi-valued RDN
// (`CN=a+UID=b`) is a set. Anything that does not parse is never "inside" anything.

/** One `type=value` of an RDN. `binary` values were written `#hex` (BER); `value` is the hex then. */
export interface Ava {
  readonly type: string;
  readonly value: string;
  readonly binary?: boolean;
}

/** A relative distinguished name: one or more AVAs (`CN=a+UID=b`). */
export type Rdn = readonly Ava[];

/** The entry's own RDN first, then each parent's, up to the root. `[]` is the root DSE. */
export type Dn = readonly Rdn[];

export class DnSyntaxError extends Error {
  constructor(
    readonly text: string,
    readonly position: number,
    problem: string,
  ) {
    super(`not a distinguished name (${problem} at character ${position + 1})`);
  }
}

/** Well-known attribute OIDs, so `2.5.4.11=Dublin` compares equal to `OU=Dublin`. */
const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.9': 'street',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '0.9.2342.19200300.100.1.1': 'uid',
  '0.9.2342.19200300.100.1.25': 'dc',
};

const DESCR = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERICOID = /^\d+(?:\.\d+)+$/;
const HEX = /^[0-9A-Fa-f]$/;
const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Parses a DN (RFC 4514, leniently: spaces around separators, `;` as in RFC 2253, quoted values). */
export function parseDn(text: string): Dn {
  const s = text;
  let i = 0;
  const fail = (problem: string): never => {
    throw new DnSyntaxError(text, i, problem);
  };
  const skipSpaces = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  skipSpaces();
  if (i === s.length) return [];
  const rdns: Ava[][] = [];
  let rdn: Ava[] = [];
  for (;;) {
    skipSpaces();
    // attributeType
    const typeStart = i;
    while (i < s.length && s[i] !== '=' && s[i] !== ',' && s[i] !== '+' && s[i] !== ';') i++;
    if (s[i] !== '=') fail('an attribute type without "="');
    const type = s.slice(typeStart, i).trim().replace(/^oid\./i, '');
    if (!DESCR.test(type) && !NUMERICOID.test(type)) fail(type ? `"${type}" is not an attribute type` : 'an empty attribute type');
    i++; // '='
    skipSpaces();
    // attributeValue
    let ava: Ava;
    if (s[i] === '#') {
      i++;
      const start = i;
      while (i < s.length && HEX.test(s[i]!)) i++;
      const hex = s.slice(start, i);
      if (hex.length === 0 || hex.length % 2 !== 0) fail('a #hex value with an odd number of digits');
      ava = { type, value: hex.toLowerCase(), binary: true };
      skipSpaces();
    } else {
      const bytes: number[] = [];
      const quoted = s[i] === '"';
      if (quoted) i++;
      let significant = 0; // bytes up to the last character that is not an unescaped space
      for (;;) {
        if (i >= s.length) {
          if (quoted) fail('an unterminated quoted value');
          break;
        }
        const c = s[i]!;
        if (quoted && c === '"') {
          i++;
          significant = bytes.length;
          break;
        }
        if (!quoted && (c === ',' || c === '+' || c === ';')) break;
        if (c === '\\') {
          const next = s[i + 1];
          if (next === undefined) fail('a "\\" at the end');
          if (HEX.test(next!) && s[i + 2] !== undefined && HEX.test(s[i + 2]!)) {
            bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
            i += 3;
          } else {
            const codePoint = s.codePointAt(i + 1)!;
            const char = String.fromCodePoint(codePoint);
            bytes.push(...encoder.encode(char));
            i += 1 + char.length;
          }
          significant = bytes.length;
          continue;
        }
        const codePoint = s.codePointAt(i)!;
        const char = String.fromCodePoint(codePoint);
        bytes.push(...encoder.encode(char));
        i += char.length;
        if (c !== ' ') significant = bytes.length;
      }
      if (quoted) skipSpaces();
      let value: string;
      try {
        value = decoder.decode(new Uint8Array(bytes.slice(0, significant)));
      } catch {
        return fail('escaped bytes that are not UTF-8');
      }
      ava = { type, value };
    }
    rdn.push(ava);
    if (i >= s.length) {
      rdns.push(rdn);
      break;
    }
    const separator = s[i];
    if (separator === '+') {
      i++;
      continue;
    }
    if (separator === ',' || separator === ';') {
      i++;
      rdns.push(rdn);
      rdn = [];
      skipSpaces();
      if (i >= s.length) fail('a separator at the end');
      continue;
    }
    fail(`an unexpected "${separator}"`);
  }
  return rdns;
}

export function tryParseDn(text: string): Dn | undefined {
  try {
    return parseDn(text);
  } catch (error) {
    if (error instanceof DnSyntaxError) return undefined;
    throw error;
  }
}

/** RFC 4514 section 2.4: the characters a value must escape, and a leading `#` or space, a trailing space. */
export function escapeDnValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((char, index) => {
    if (char === '\0') out += '\\00';
    else if ('"+,;<>\\='.includes(char)) out += `\\${char}`;
    else if ((index === 0 && (char === ' ' || char === '#')) || (index === chars.length - 1 && char === ' ')) out += `\\${char}`;
    else if (char.charCodeAt(0) < 0x20 || char === '\u007f') out += `\\${char.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
    else out += char;
  });
  return out;
}

function formatAva(ava: Ava): string {
  return `${ava.type}=${ava.binary ? `#${ava.value}` : escapeDnValue(ava.value)}`;
}

/** The DN as RFC 4514 text (types as written, values escaped). `parseDn(formatDn(dn))` gives `dn` back. */
export function formatDn(dn: Dn): string {
  return dn.map((rdn) => rdn.map(formatAva).join('+')).join(',');
}

/** What an AVA compares as: type by name (OIDs of common ones mapped), value case- and width-folded. */
function canonicalAva(ava: Ava): string {
  const lower = ava.type.toLowerCase();
  const type = OID_NAMES[lower] ?? lower;
  if (ava.binary) return `${type}=#${ava.value.toLowerCase()}`;
  const value = ava.value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${type}=${escapeDnValue(value)}`;
}

function canonicalRdn(rdn: Rdn): string {
  return rdn.map(canonicalAva).sort().join('+');
}

/** One string per distinct DN: equal keys ⇔ the same entry. */
export function dnKey(dn: Dn): string {
  return dn.map(canonicalRdn).join(',');
}

/**
 * A comparable form of DN text, for map keys and equality (`CN=Ken Myer, OU=Users` →
 * `cn=ken myer,ou=users`). Text that is not a DN is only trimmed and lower-cased: it can still be
 * looked up, but never compares equal to, or inside, a real DN.
 */
export function normalizeDn(text: string): string {
  const dn = tryParseDn(text);
  return dn ? dnKey(dn) : `\0${text.trim().toLowerCase()}`;
}

/** The DN of the entry's parent (the root has none: `[]`). */
export function parentDn(dn: Dn): Dn {
  return dn.slice(1);
}

const asDn = (dn: Dn | string): Dn | undefined => (typeof dn === 'string' ? tryParseDn(dn) : dn);

export function sameDn(a: Dn | string, b: Dn | string): boolean {
  const x = asDn(a);
  const y = asDn(b);
  return x !== undefined && y !== undefined && dnKey(x) === dnKey(y);
}

/** Is `dn` strictly below `ancestor` (a child, grandchild, …)? Unparseable DNs are never below anything. */
export function isBelow(dn: Dn | string, ancestor: Dn | string): boolean {
  const d = asDn(dn);
  const a = asDn(ancestor);
  if (!d || !a || d.length <= a.length) return false;
  const tail = d.slice(d.length - a.length);
  return tail.every((rdn, index) => canonicalRdn(rdn) === canonicalRdn(a[index]!));
}

/** `dn` is `base` itself or below it. */
export function isAtOrBelow(dn: Dn | string, base: Dn | string): boolean {
  return sameDn(dn, base) || isBelow(dn, base);
}
