import { describe, expect, it } from 'vitest';
import { CommandSyntaxError } from '../../src/domain/errors.js';
import type { DirectoryUser } from '../../src/domain/user.js';
import { clauseValue, describeSearch, matchesClause, parseUserSearch } from '../../src/domain/user-search.js';
import { KEN_MYER } from '../support/sample-user.js';

describe('parseUserSearch', () => {
  it.each([
    ['Ken', { text: 'Ken', clauses: [] }],
    ['Ken where site = Redmond', { text: 'Ken', clauses: [{ property: 'site', operator: 'equals', value: 'Redmond' }] }],
    ['where display name contains Smith', { text: undefined, clauses: [{ property: 'displayName', operator: 'contains', value: 'Smith' }] }],
    ['where first name is Ken and last name is not Meyer', { text: undefined, clauses: [{ property: 'givenName', operator: 'equals', value: 'Ken' }, { property: 'sn', operator: 'not-equals', value: 'Meyer' }] }],
    ['where sip starts with ken', { text: undefined, clauses: [{ property: 'sipAddress', operator: 'starts-with', value: 'ken' }] }],
    ['where line != +14255550100', { text: undefined, clauses: [{ property: 'lineUri', operator: 'not-equals', value: '+14255550100' }] }],
    ['where SAM account name equal to kmyer', { text: undefined, clauses: [{ property: 'samAccountName', operator: 'equals', value: 'kmyer' }] }],
    ['where display name = "Smith and Sons"', { text: undefined, clauses: [{ property: 'displayName', operator: 'equals', value: 'Smith and Sons' }] }],
    ['where enabled = no', { text: undefined, clauses: [{ property: 'enabled', operator: 'equals', value: 'no' }] }],
  ])('%s', (text, expected) => {
    expect(parseUserSearch(text)).toEqual(expected);
  });

  it.each([
    ['Ken where', /after "where"/],
    ['where colour = blue', /"colour" is not a property/],
    ['where site', /can't read the filter/],
    ['where enabled contains y', /enabled takes = yes or = no/],
    ['where enabled = maybe', /enabled takes = yes or = no/],
  ])('%s is refused clearly', (text, message) => {
    expect(() => parseUserSearch(text)).toThrow(CommandSyntaxError);
    try {
      parseUserSearch(text);
    } catch (error) {
      expect((error as CommandSyntaxError).problem).toMatch(message);
    }
  });
});

describe('clauses mean the same in every directory', () => {
  const ken: DirectoryUser = KEN_MYER;
  const clause = (text: string) => parseUserSearch(`where ${text}`).clauses[0]!;

  it.each([
    ['site = redmond', true],
    ['site != Redmond', false],
    ['line starts with +1425', true],
    ['line starts with tel:+1425', true],
    ['line = +14255550100', true],
    ['sip = ken.myer@contoso.com', true],
    ['sip contains myer', true],
    ['display name contains yer', true],
    ['last name starts with Mey', false],
    ['enabled = yes', true],
    ['enabled = no', false],
    ['enabled != no', true],
  ])('%s → %s', (text, expected) => {
    expect(matchesClause(ken, clause(text))).toBe(expected);
  });

  it('a missing attribute is "not equal" and never "starts with"', () => {
    const noLine = { ...ken, lineUri: undefined };
    expect(matchesClause(noLine, clause('line != +1'))).toBe(true);
    expect(matchesClause(noLine, clause('line starts with +1'))).toBe(false);
  });

  it('values are stored forms', () => {
    expect(clauseValue(clause('sip = ken@contoso.com'))).toBe('sip:ken@contoso.com');
    expect(clauseValue(clause('enabled = yes'))).toBe('TRUE');
    expect(describeSearch(parseUserSearch('Ken where site = Redmond and line starts with +1425'))).toBe('Ken where site = Redmond and line URI starts with +1425');
  });
});
