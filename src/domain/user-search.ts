// Control Panel style user search: optional text (any identity form, prefix match) plus filter
// clauses `property operator value` joined by `and` — `find user Ken where site = Redmond and line
// starts with +1425`. One meaning for every directory: the file directory evaluates clauses with
// `matchesClause`, LDAP translates them into a filter with the same values (`clauseValue`).
import { CommandSyntaxError } from './errors.js';
import type { DirectoryUser } from './user.js';

export const SEARCH_PROPERTIES = ['displayName', 'givenName', 'sn', 'samAccountName', 'sipAddress', 'lineUri', 'site', 'enabled'] as const;
export type SearchProperty = (typeof SEARCH_PROPERTIES)[number];
export type SearchOperator = 'equals' | 'not-equals' | 'starts-with' | 'contains';

export interface SearchClause {
  property: SearchProperty;
  operator: SearchOperator;
  value: string;
}

export interface UserSearch {
  /** Identity text (prefix match), if any. */
  text?: string | undefined;
  clauses: SearchClause[];
}

/** The names the Control Panel uses, and the short ones people type. */
const PROPERTY_NAMES: Array<[RegExp, SearchProperty]> = [
  [/^display ?name$|^name$/i, 'displayName'],
  [/^first ?name$|^given ?name$/i, 'givenName'],
  [/^last ?name$|^surname$|^sn$/i, 'sn'],
  [/^(sam ?account ?name|sam|account( name)?)$/i, 'samAccountName'],
  [/^sip( address)?$/i, 'sipAddress'],
  [/^line( ?uri)?$|^phone( number)?$/i, 'lineUri'],
  [/^site$/i, 'site'],
  [/^enabled$/i, 'enabled'],
];

const PROPERTY_LABEL: Record<SearchProperty, string> = {
  displayName: 'display name',
  givenName: 'first name',
  sn: 'last name',
  samAccountName: 'SAM account name',
  sipAddress: 'SIP address',
  lineUri: 'line URI',
  site: 'site',
  enabled: 'enabled',
};

const OPERATOR_LABEL: Record<SearchOperator, string> = { equals: '=', 'not-equals': '!=', 'starts-with': 'starts with', contains: 'contains' };

const CLAUSE = /^(.+?)\s*(!=|<>|=|\bis not equal to\b|\bnot equal to\b|\bis not\b|\bequal to\b|\bequals\b|\bis\b|\bstarts with\b|\bbegins with\b|\bcontains\b)\s*(.+)$/i;

const EXAMPLE = 'find user Ken where site = Redmond and line starts with +1425';

/** `Ken where site = Redmond and enabled = yes` → text and clauses. */
export function parseUserSearch(input: string): UserSearch {
  const [, before = '', after] = /^(.*?)(?:^|\s)where(?:\s+(.*))?$/i.exec(input) ?? [undefined, input, undefined];
  const text = unquote(before.trim()) || undefined;
  if (after === undefined) {
    if (/(^|\s)where$/i.test(input.trim())) throw new CommandSyntaxError('Say what to filter on after "where".', EXAMPLE);
    if (!text) throw new CommandSyntaxError('Say what to look for.', EXAMPLE);
    return { text, clauses: [] };
  }
  const clauses = splitClauses(after).map(parseClause);
  return { text, clauses };
}

function splitClauses(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  const words = text.split(/(\s+)/);
  for (const word of words) {
    for (const ch of word) if (ch === '"' || ch === "'") quote = quote === ch ? undefined : quote ?? ch;
    if (!quote && /^and$/i.test(word) && current.trim()) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += word;
  }
  if (current.trim()) parts.push(current.trim());
  if (parts.length === 0) throw new CommandSyntaxError('Say what to filter on after "where".', EXAMPLE);
  return parts;
}

function parseClause(text: string): SearchClause {
  const match = CLAUSE.exec(text);
  if (!match) throw new CommandSyntaxError(`I can't read the filter "${text}": use property, operator (=, !=, starts with, contains) and value.`, EXAMPLE);
  const [, rawProperty = '', rawOperator = '', rawValue = ''] = match;
  const property = PROPERTY_NAMES.find(([pattern]) => pattern.test(rawProperty.trim()))?.[1];
  if (!property) {
    throw new CommandSyntaxError(
      `"${rawProperty.trim()}" is not a property I can filter on. Use one of: ${SEARCH_PROPERTIES.map((p) => PROPERTY_LABEL[p]).join(', ')}.`,
      EXAMPLE,
    );
  }
  const operator = operatorOf(rawOperator);
  const value = unquote(rawValue.trim());
  if (!value) throw new CommandSyntaxError(`The filter on ${PROPERTY_LABEL[property]} needs a value.`, EXAMPLE);
  if (property === 'enabled') {
    if (operator !== 'equals' && operator !== 'not-equals') throw new CommandSyntaxError('enabled takes = yes or = no.', 'find user where enabled = no');
    if (!/^(yes|no|true|false)$/i.test(value)) throw new CommandSyntaxError('enabled takes = yes or = no.', 'find user where enabled = no');
  }
  return { property, operator, value };
}

function operatorOf(text: string): SearchOperator {
  const op = text.toLowerCase().replace(/\s+/g, ' ');
  if (op === '!=' || op === '<>' || op.includes('not')) return 'not-equals';
  if (op === 'starts with' || op === 'begins with') return 'starts-with';
  if (op === 'contains') return 'contains';
  return 'equals';
}

/**
 * The value as stored in the directory: SIP addresses carry `sip:`, line URIs `tel:`, so
 * `sip = ken.myer@contoso.com` and `line starts with +1425` mean what an admin expects.
 */
export function clauseValue(clause: SearchClause): string {
  const value = clause.value;
  if (clause.property === 'sipAddress' && !/^sip:/i.test(value)) return `sip:${value}`;
  if (clause.property === 'lineUri' && !/^tel:/i.test(value)) return `tel:${value}`;
  if (clause.property === 'enabled') return /^(yes|true)$/i.test(value) ? 'TRUE' : 'FALSE';
  return value;
}

function propertyValue(user: DirectoryUser, property: SearchProperty): string | undefined {
  if (property === 'enabled') return user.enabled ? 'TRUE' : 'FALSE';
  return user[property];
}

/** Case-insensitive, as AD's default matching rules are. */
export function matchesClause(user: DirectoryUser, clause: SearchClause): boolean {
  const actual = propertyValue(user, clause.property)?.toLowerCase();
  const wanted = clauseValue(clause).toLowerCase();
  switch (clause.operator) {
    case 'equals':
      return actual === wanted;
    case 'not-equals':
      return actual !== wanted;
    case 'starts-with':
      return actual !== undefined && actual.startsWith(wanted);
    case 'contains':
      return actual !== undefined && actual.includes(clause.value.toLowerCase());
  }
}

export function describeSearch(search: UserSearch): string {
  const clauses = search.clauses.map((c) => `${PROPERTY_LABEL[c.property]} ${OPERATOR_LABEL[c.operator]} ${c.value}`);
  return [search.text, clauses.length > 0 ? `where ${clauses.join(' and ')}` : undefined].filter(Boolean).join(' ');
}

function unquote(text: string): string {
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(text);
  return quoted ? (quoted[1] ?? quoted[2] ?? '') : text;
}
