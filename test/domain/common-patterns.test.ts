// The documented common-pattern rule (our rule; README "Common patterns"), table-driven.
import { describe, expect, it } from 'vitest';
import { COMMON_PATTERN_TEXT, findCommonPattern, phoneNumberOf } from '../../src/domain/common-patterns.js';

const phone = phoneNumberOf('tel:+14255550107;ext=0107');

describe('common patterns', () => {
  it.each([
    // repeated digits
    ['222222', 'repeated-digits'],
    ['0000', 'repeated-digits'],
    ['225577', 'repeated-digits'],
    ['11223344', 'repeated-digits'],
    ['111222', 'repeated-digits'],
    ['9988', 'repeated-digits'],
    // a repeated block
    ['1212', 'repeated-block'],
    ['123123', 'repeated-block'],
    ['585858', 'repeated-block'],
    ['40794079', 'repeated-block'],
    // sequences of 4+ anywhere, either direction, wrapping 9→0
    ['123456', 'sequence'],
    ['991234', 'sequence'],
    ['4321', 'sequence'],
    ['7654321', 'sequence'],
    ['55678', 'sequence'],
    ['7890', 'sequence'],
    ['8901', 'sequence'],
    ['2109', 'sequence'],
    // the user's own number
    ['14255550107', 'phone-number'],
    ['5550107', 'phone-number'],
    ['50107', 'phone-number'],
    ['0107', 'extension'],
  ])('%s is %s', (pin, pattern) => {
    expect(findCommonPattern(pin, phone)).toBe(pattern);
  });

  it.each(['730194', '13579', '2468', '1235', '90210', '123', '112', '121', '12121', '5550108', '47120'])('%s is not common', (pin) => {
    expect(findCommonPattern(pin, phone)).toBeUndefined();
  });

  it('three in a row is not a sequence, four is', () => {
    expect(findCommonPattern('91230')).toBeUndefined();
    expect(findCommonPattern('912340')).toBe('sequence');
  });

  it('a PIN can equal the digits of a user without a line URI', () => {
    expect(findCommonPattern('4255550100', undefined)).toBeUndefined();
  });
});

describe('phoneNumberOf', () => {
  it.each([
    ['tel:+14255550100', { digits: '14255550100', extension: undefined }],
    ['tel:+14255550107;ext=0107', { digits: '14255550107', extension: '0107' }],
    ['+1 (425) 555-0100', { digits: '14255550100', extension: undefined }],
    [undefined, undefined],
    ['tel:', undefined],
  ])('%s', (uri, expected) => {
    expect(phoneNumberOf(uri)).toEqual(expected);
  });
});

describe('common patterns, edge by edge', () => {
  it('an empty PIN is no pattern (the digits rule refuses it first)', () => {
    expect(findCommonPattern('')).toBeUndefined();
  });

  it('each pattern is explained with examples of it', () => {
    expect(COMMON_PATTERN_TEXT).toEqual({
      'repeated-digits': 'it is made of repeated digits (like 222222 or 225577)',
      'repeated-block': 'it repeats the same group of digits (like 1212 or 123123)',
      sequence: 'it contains 4 or more consecutive digits in a row (like 1234 or 4321)',
      'phone-number': "it matches the user's phone number",
      extension: "it matches the user's extension",
    });
  });

  it.each([
    ['TEL:+14255550100;EXT=12', { digits: '14255550100', extension: '12' }],
    ['tel:+14255550100; ext=12', { digits: '14255550100', extension: '12' }],
    ['tel:+14255550100;phone-context=contoso.com;ext=12', { digits: '14255550100', extension: '12' }],
    ['tel:+14255550100;phone-context=contoso.com', { digits: '14255550100', extension: undefined }],
    ['tel:+14255550100;xext=12', { digits: '14255550100', extension: undefined }],
    ['tel:+14255550100;ext=12x', { digits: '14255550100', extension: undefined }],
    ['tel:;ext=12', { digits: '', extension: '12' }],
  ])('%s', (uri, expected) => {
    expect(phoneNumberOf(uri)).toEqual(expected);
  });
});

