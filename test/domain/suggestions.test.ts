// "Did you mean": which users are close enough to what was typed, and in what order.
import { describe, expect, it } from 'vitest';
import { rankSuggestions, suggestionWords } from '../../src/domain/suggestions.js';
import type { DirectoryUser } from '../../src/domain/user.js';

const user = (id: string, displayName: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  dn: `CN=${displayName},DC=contoso,DC=com`,
  displayName,
  samAccountName: id,
  userPrincipalName: `${id}@contoso.com`,
  enabled: true,
  ...extra,
});

describe('suggestionWords', () => {
  it('splits on spaces and identity punctuation, lower-cases, keeps words of 2+ characters', () => {
    expect(suggestionWords('Ken.Myer@Contoso_x\\CORP-hq  a  Jo')).toEqual(['ken', 'myer', 'contoso', 'corp', 'hq', 'jo']);
    expect(suggestionWords('')).toEqual([]);
  });
});

describe('rankSuggestions', () => {
  const kenMyer = user('kmyer', 'Ken Myer', { givenName: 'Ken', sn: 'Myer' });
  const kenMeyer = user('kmeyer', 'Ken Meyer', { givenName: 'Ken', sn: 'Meyer' });
  const kendra = user('kendra', 'Kendra Sato', { givenName: 'Kendra', sn: 'Sato' });
  const anne = user('anne', 'Anne Wallace', { givenName: 'Anne', sn: 'Wallace' });

  it('closest first, by any of display name, first name, last name or account, case-insensitively', () => {
    expect(rankSuggestions('KNE MYER', [anne, kendra, kenMeyer, kenMyer], 10).map((u) => u.id)).toEqual(['kmyer']);
    expect(rankSuggestions('walace', [kenMyer, anne], 10).map((u) => u.id)).toEqual(['anne']);
    expect(rankSuggestions('kmeier', [kenMyer, kenMeyer], 10).map((u) => u.id)).toEqual(['kmeyer', 'kmyer']);
  });

  it('tolerates 2 edits, or a third of what was typed when that is more', () => {
    const named = (name: string) => user(name, name);
    // 4 characters typed: tolerance 2.
    expect(rankSuggestions('abcd', [named('abxy'), named('axyz')], 10).map((u) => u.id)).toEqual(['abxy']);
    // 9 characters typed: tolerance 3.
    expect(rankSuggestions('abcdefghi', [named('abcdefxyz'), named('abcdewxyz')], 10).map((u) => u.id)).toEqual(['abcdefxyz']);
  });

  it('equally close users in display-name order; each user once; at most the limit', () => {
    const b = user('b', 'Bob Ames', { sn: 'Ames' });
    const a = user('a', 'Al Ames', { sn: 'Ames' });
    const c = user('c', 'Cy Ames', { sn: 'Ames' });
    expect(rankSuggestions('ames', [c, b, a, b], 10).map((u) => u.id)).toEqual(['a', 'b', 'c']);
    expect(rankSuggestions('ames', [c, b, a], 2).map((u) => u.id)).toEqual(['a', 'b']);
    expect(rankSuggestions('ames', [], 2)).toEqual([]);
  });
});
