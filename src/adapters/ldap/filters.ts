// Identity queries and search clauses as ldapts filter objects. Values travel as BER octet
// strings inside the filter structure, never spliced into filter text, so `*`, `(`, `)`, `\` and
// NUL typed by a user are data.
import { AndFilter, EqualityFilter, ExtensibleFilter, type Filter, NotFilter, OrFilter, SubstringFilter } from 'ldapts';
import type { IdentityQuery } from '../../domain/identity.js';
import { isAtOrBelow } from '../../domain/dn.js';
import { clauseValue, type SearchClause } from '../../domain/user-search.js';
import type { LdapAttributeMap } from './settings.js';

/** LDAP_MATCHING_RULE_IN_CHAIN: AD walks nested groups server-side. */
export const IN_CHAIN = '1.2.840.113556.1.4.1941';

const eq = (attribute: string, value: string | Buffer) => new EqualityFilter({ attribute, value });
const prefix = (attribute: string, initial: string) => new SubstringFilter({ attribute, initial });
const or = (filters: Filter[]) => (filters.length === 1 ? filters[0]! : new OrFilter({ filters }));

export function and(filters: Filter[]): Filter {
  return filters.length === 1 ? filters[0]! : new AndFilter({ filters });
}

/**
 * NUL cannot be part of any real name, and some servers (Samba) end a value at the first NUL —
 * `Ken\0` would become a prefix search for `Ken`. As data it matches nothing, so it is not sent.
 */
function holdsNul(value: string): boolean {
  return value.includes('\u0000');
}

/** The filter for an identity query, or undefined when it cannot match (another domain, NUL). */
export function identityFilter(query: IdentityQuery, a: LdapAttributeMap, netbiosDomain: string): Filter | undefined {
  if (Object.values(query).some((value) => holdsNul(value))) return undefined;
  switch (query.kind) {
    case 'sip':
      return eq(a.sipAddress, `sip:${query.address}`);
    case 'email':
      return or([eq(a.userPrincipalName, query.address), eq(a.sipAddress, `sip:${query.address}`), eq(a.mail, query.address)]);
    case 'domain-account':
      return query.domain === netbiosDomain.toUpperCase() ? eq(a.samAccountName, query.sam) : undefined;
    case 'line':
      // Prefix on the URI: the exact number, with or without ;ext=, and longer numbers (trimmed later).
      return prefix(a.lineUri, `tel:${query.number}`);
    case 'name':
      return or([
        eq(a.samAccountName, query.text),
        prefix(a.displayName, query.text),
        prefix(a.givenName, query.text),
        prefix(a.sn, query.text),
        prefix(a.samAccountName, query.text),
        prefix(a.sipAddress, `sip:${query.text}`),
      ]);
    case 'dn':
      // Searched with the DN as the base instead (see LdapDirectory).
      return undefined;
    case 'extension':
      return or([new SubstringFilter({ attribute: a.lineUri, final: `;ext=${query.extension}` }), new SubstringFilter({ attribute: a.lineUri, final: query.extension })]);
  }
}

/**
 * One filter clause. Sites are not an LDAP attribute: they become the registrar pools mapped to
 * them. `null` means "matches nothing" (a site with no pool), `undefined` "no restriction".
 */
export function clauseFilter(clause: SearchClause, a: LdapAttributeMap, pools: Record<string, string>): Filter | null | undefined {
  if (holdsNul(clause.value)) return clause.operator === 'not-equals' ? undefined : null;
  if (clause.property === 'site') {
    const wanted = clause.value.toLowerCase();
    const matchesSite = (site: string) => {
      const name = site.toLowerCase();
      if (clause.operator === 'starts-with') return name.startsWith(wanted);
      if (clause.operator === 'contains') return name.includes(wanted);
      return name === wanted;
    };
    const poolDns = Object.entries(pools)
      .filter(([, site]) => matchesSite(site))
      .map(([dn]) => dn);
    if (poolDns.length === 0) return clause.operator === 'not-equals' ? undefined : null;
    const inSite = or(poolDns.map((dn) => eq(a.homeServer, dn)));
    return clause.operator === 'not-equals' ? new NotFilter({ filter: inSite }) : inSite;
  }
  const attribute = a[clause.property];
  const value = clauseValue(clause);
  switch (clause.operator) {
    case 'equals':
      return eq(attribute, value);
    case 'not-equals':
      return new NotFilter({ filter: eq(attribute, value) });
    case 'starts-with':
      return prefix(attribute, value);
    case 'contains':
      return new SubstringFilter({ attribute, any: [clause.value] });
  }
}

/** Groups whose membership reaches the user through any nesting (AD only). */
export function inChainFilter(memberAttribute: string, userDn: string): Filter {
  return new ExtensibleFilter({ rule: IN_CHAIN, matchType: memberAttribute, value: userDn });
}

/** Groups with any of these DNs as a direct member. */
export function directMembersFilter(memberAttribute: string, dns: string[]): Filter {
  return or(dns.map((dn) => eq(memberAttribute, dn)));
}

export function idFilter(attribute: string, value: string | Buffer): Filter {
  return eq(attribute, value);
}

export function equalityFilter(attribute: string, value: string): Filter {
  return eq(attribute, value);
}

export function prefixFilter(attributes: string[], initial: string): Filter {
  return or(attributes.map((attribute) => prefix(attribute, initial)));
}

/** Is `dn` at or under `base`? (DNs parsed, RFC 4514: an escaped comma is not a level.) */
export function isUnder(dn: string, base: string): boolean {
  return isAtOrBelow(dn, base);
}
