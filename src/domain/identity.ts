// Turns what an admin typed as "who" into one typed identity query (spec: "Who a user is").
// The directory adapters execute the query; nothing here is filter syntax, so `*`, `(`, `)`, `\`
// and NUL stay plain data all the way down.
import { tryParseDn } from './dn.js';

export type IdentityQuery =
  | { kind: 'sip'; address: string } // sip:ken.myer@contoso.com → ken.myer@contoso.com
  | { kind: 'email'; address: string } // UPN, SIP without sip:, or mail
  | { kind: 'line'; number: string } // tel:+14255550100;ext=1 or +14255550100 → +14255550100
  | { kind: 'dn'; dn: string }
  | { kind: 'domain-account'; domain: string; sam: string } // CONTOSO\kmyer
  | { kind: 'name'; text: string } // display/first/last name prefix, or sAMAccountName
  /** What a dial-in caller keys in: the line URI's `;ext=`, or the last digits of its number. */
  | { kind: 'extension'; extension: string };

/** A DN starts like `CN=` (spaces allowed around `=`) and parses (RFC 4514) with at least two RDNs. */
const DN_START = /^(cn|ou|uid|dc)\s*=/i;

export function parseIdentity(raw: string): IdentityQuery | undefined {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  const sip = /^sip:(.+)$/i.exec(text);
  if (sip) return { kind: 'sip', address: sip[1]!.toLowerCase() };
  const tel = /^tel:(\+?[\d\-. ()]+)(;.*)?$/i.exec(text);
  if (tel) return { kind: 'line', number: normalizeLineNumber(tel[1]!) };
  if (/^\+[\d\-. ()]{4,}$/.test(text)) return { kind: 'line', number: normalizeLineNumber(text) };
  if (DN_START.test(text) && (tryParseDn(text)?.length ?? 0) > 1) return { kind: 'dn', dn: text };
  const account = /^([^\\\s]+)\\([^\\\s]+)$/.exec(text);
  if (account) return { kind: 'domain-account', domain: account[1]!.toUpperCase(), sam: account[2]!.toLowerCase() };
  if (/^[^\s@]+@[^\s@]+$/.test(text)) return { kind: 'email', address: text.toLowerCase() };
  return { kind: 'name', text };
}

/** `+1 (425) 555-0100` → `+14255550100`: the form line URIs are compared in. */
export function normalizeLineNumber(number: string): string {
  const plus = number.trim().startsWith('+') ? '+' : '';
  return plus + number.replace(/\D/g, '');
}

/** The number part of a line URI, normalized: `tel:+14255550100;ext=0100` → `+14255550100`. */
export function lineNumberOf(lineUri: string): string {
  return normalizeLineNumber(lineUri.replace(/^tel:/i, '').split(';')[0] ?? '');
}

export function describeIdentity(query: IdentityQuery): string {
  switch (query.kind) {
    case 'sip':
      return `sip:${query.address}`;
    case 'email':
      return query.address;
    case 'line':
      return query.number;
    case 'dn':
      return query.dn;
    case 'domain-account':
      return `${query.domain}\\${query.sam}`;
    case 'name':
      return query.text;
    case 'extension':
      return `extension ${query.extension}`;
  }
}
