// Every property name and operator the search understands, the words it must not take for them,
// and the exact refusals.
import { describe, expect, it } from 'vitest';
import { CommandSyntaxError } from '../../src/domain/errors.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { clauseValue, describeSearch, matchesClause, parseUserSearch, type SearchClause } from '../../src/domain/user-search.js';
import { KEN_MYER } from '../support/sample-user.js';

const EXAMPLE = 'find user Ken where site = Redmond and line starts with +1425';

function refusal(text: string): { problem: string; example: string | undefined } {
  try {
    parseUserSearch(text);
  } catch (error) {
    if (!(error instanceof CommandSyntaxError)) throw error;
    return { problem: error.problem, example: error.example };
  }
  throw new Error(`parsed: ${text}`);
}

const only = (text: string): SearchClause => {
  const { clauses } = parseUserSearch(`where ${text}`);
  expect(clauses).toHaveLength(1);
  return clauses[0]!;
};

describe('property names', () => {
  it.each([
    ['display name', 'displayName'],
    ['displayname', 'displayName'],
    ['Name', 'displayName'],
    ['first name', 'givenName'],
    ['firstname', 'givenName'],
    ['given name', 'givenName'],
    ['givenname', 'givenName'],
    ['last name', 'sn'],
    ['lastname', 'sn'],
    ['surname', 'sn'],
    ['SN', 'sn'],
    ['sam account name', 'samAccountName'],
    ['samaccountname', 'samAccountName'],
    ['sam', 'samAccountName'],
    ['account', 'samAccountName'],
    ['account name', 'samAccountName'],
    ['sip', 'sipAddress'],
    ['sip address', 'sipAddress'],
    ['line', 'lineUri'],
    ['line uri', 'lineUri'],
    ['lineuri', 'lineUri'],
    ['phone', 'lineUri'],
    ['phone number', 'lineUri'],
    ['Site', 'site'],
  ])('%s → %s', (name, property) => {
    expect(only(`${name} = x`).property).toBe(property);
  });

  it.each(['my display name', 'display names', 'my given name', 'given names', 'my last name', 'last names', 'nickname', 'names', 'my first name', 'first names', 'the surname', 'surnames', 'snx', 'xsn', 'my sam', 'samx', 'accounts', 'xaccount', 'sipx', 'xsip', 'sip addresses', 'xline', 'lines', 'phones', 'xphone', 'phone numbers', 'sites', 'my site', 'enabled flag', 'is enabled', 'email'])(
    '%s is not a property',
    (name) => {
      expect(refusal(`where ${name} = x`)).toEqual({
        problem: `"${name}" is not a property I can filter on. Use one of: display name, first name, last name, SAM account name, SIP address, line URI, site, enabled.`,
        example: EXAMPLE,
      });
    },
  );
});

describe('operators', () => {
  it.each([
    ['site = x', 'equals'],
    ['site equals x', 'equals'],
    ['site equal to x', 'equals'],
    ['site is x', 'equals'],
    ['site != x', 'not-equals'],
    ['site <> x', 'not-equals'],
    ['site is not x', 'not-equals'],
    ['site not equal to x', 'not-equals'],
    ['site is not equal to x', 'not-equals'],
    ['site IS NOT x', 'not-equals'],
    ['site starts with x', 'starts-with'],
    ['site begins with x', 'starts-with'],
    ['site Starts With x', 'starts-with'],
    ['site contains x', 'contains'],
    ['site=x', 'equals'],
    ['site!=x', 'not-equals'],
  ])('%s → %s', (text, operator) => {
    expect(only(text)).toEqual({ property: 'site', operator, value: 'x' });
  });

  it('an operator inside a value stays in the value', () => {
    expect(only('display name = Chris is here')).toEqual({ property: 'displayName', operator: 'equals', value: 'Chris is here' });
    expect(only('display name contains this')).toEqual({ property: 'displayName', operator: 'contains', value: 'this' });
  });
});

describe('text, where, and', () => {
  it.each([
    ['"Ken Myer" where site = Dublin', { text: 'Ken Myer', clauses: [{ property: 'site', operator: 'equals', value: 'Dublin' }] }],
    ["'Ken' where site = Dublin", { text: 'Ken', clauses: [{ property: 'site', operator: 'equals', value: 'Dublin' }] }],
    ['somewhere', { text: 'somewhere', clauses: [] }],
    ['Ken where site = a and', { text: 'Ken', clauses: [{ property: 'site', operator: 'equals', value: 'a' }] }],
    ['where site = a AND enabled = yes and line starts with +1', {
      text: undefined,
      clauses: [
        { property: 'site', operator: 'equals', value: 'a' },
        { property: 'enabled', operator: 'equals', value: 'yes' },
        { property: 'lineUri', operator: 'starts-with', value: '+1' },
      ],
    }],
    ["where display name = 'Smith and Sons'", { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'Smith and Sons' }] }],
    [`where display name = "O'Brien and Co" and site = x`, {
      text: undefined,
      clauses: [
        { property: 'displayName', operator: 'equals', value: "O'Brien and Co" },
        { property: 'site', operator: 'equals', value: 'x' },
      ],
    }],
    ['where display name = Sandy', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'Sandy' }] }],
    ['where display name = brand new', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'brand new' }] }],
    ['Ken wherever', { text: 'Ken wherever', clauses: [] }],
    ['where display name = Andrew', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'Andrew' }] }],
    ['where site =Dublin', { text: undefined, clauses: [{ property: 'site', operator: 'equals', value: 'Dublin' }] }],
    ['where display name = "Smith" Jr', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: '"Smith" Jr' }] }],
    ['where display name = Jr "Smith"', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'Jr "Smith"' }] }],
    ["where display name = 'Smith' Jr", { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: "'Smith' Jr" }] }],
    ["where display name = Jr 'Smith'", { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: "Jr 'Smith'" }] }],
    ['where enabled = TRUE', { text: undefined, clauses: [{ property: 'enabled', operator: 'equals', value: 'TRUE' }] }],
    ['where enabled != false', { text: undefined, clauses: [{ property: 'enabled', operator: 'not-equals', value: 'false' }] }],
  ])('%s', (text, search) => {
    expect(parseUserSearch(text)).toEqual(search);
  });

  it.each([
    ['where', 'Say what to filter on after "where".', EXAMPLE],
    ['Ken where ', 'Say what to filter on after "where".', EXAMPLE],
    ['Ken WHERE', 'Say what to filter on after "where".', EXAMPLE],
    ['""', 'Say what to look for.', EXAMPLE],
    ['', 'Say what to look for.', EXAMPLE],
    ['where and', 'I can\'t read the filter "and": use property, operator (=, !=, starts with, contains) and value.', EXAMPLE],
    ['where site = ""', 'The filter on site needs a value.', EXAMPLE],
    ['where line starts with \'\'', 'The filter on line URI needs a value.', EXAMPLE],
    ['where enabled starts with yes', 'enabled takes = yes or = no.', 'find user where enabled = no'],
    ['where enabled contains no', 'enabled takes = yes or = no.', 'find user where enabled = no'],
    ['where enabled = maybe no', 'enabled takes = yes or = no.', 'find user where enabled = no'],
    ['where enabled = yess', 'enabled takes = yes or = no.', 'find user where enabled = no'],
    ['where enabled = nope', 'enabled takes = yes or = no.', 'find user where enabled = no'],
  ])('%j is refused: %s', (text, problem, example) => {
    expect(refusal(text)).toEqual({ problem, example });
  });
});

describe('stored values and matching', () => {
  const ken: DirectoryUser = KEN_MYER;

  it.each([
    ['sip = SIP:Ken@contoso.com', 'SIP:Ken@contoso.com'],
    ['sip = ken@contoso.com', 'sip:ken@contoso.com'],
    ['line = TEL:+1', 'TEL:+1'],
    ['line = +1', 'tel:+1'],
    ['enabled = yes', 'TRUE'],
    ['enabled = True', 'TRUE'],
    ['enabled = no', 'FALSE'],
    ['enabled = false', 'FALSE'],
    ['site = Dublin', 'Dublin'],
    ['display name = sip:x', 'sip:x'],
    ['sip = mysip:x', 'sip:mysip:x'],
    ['line = 1tel:2', 'tel:1tel:2'],
  ])('%s is stored as %s', (text, value) => {
    expect(clauseValue(only(text))).toBe(value);
  });

  it.each([
    ['line contains 555', true],
    ['line contains tel:', true],
    ['sip contains SIP:KEN', true],
    ['sip starts with ken', true],
    ['sip starts with myer', false],
    ['account = KMYER', true],
    ['account != kmyer', false],
    ['first name contains e', true],
    ['first name contains x', false],
    ['site starts with red', true],
    ['enabled = true', true],
    ['enabled != yes', false],
  ])('%s → %s', (text, matches) => {
    expect(matchesClause(ken, only(text))).toBe(matches);
  });

  it('a disabled user, and a missing attribute', () => {
    const disabled = { ...ken, enabled: false, site: undefined };
    expect(matchesClause(disabled, only('enabled = no'))).toBe(true);
    expect(matchesClause(disabled, only('enabled = yes'))).toBe(false);
    expect(matchesClause(disabled, only('site = Redmond'))).toBe(false);
    expect(matchesClause(disabled, only('site contains e'))).toBe(false);
  });

  it('describes a search as an admin would type it', () => {
    expect(describeSearch(parseUserSearch('where site != a and site contains b and name is c and line begins with +1'))).toBe(
      'where site != a and site contains b and display name = c and line URI starts with +1',
    );
    expect(describeSearch(parseUserSearch('Ken'))).toBe('Ken');
    expect(describeSearch(parseUserSearch('where first name = a and last name = b and sam = c and sip = d and enabled = yes'))).toBe(
      'where first name = a and last name = b and SAM account name = c and SIP address = d and enabled = yes',
    );
  });
});
