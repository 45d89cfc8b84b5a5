// New/Set/Remove-CsPinPolicy: identities, settings from cmdlet parameters or plain words, ranges
// that name the parameter, and the whole-policy check after a change.
import { describe, expect, it } from 'vitest';
import { CommandSyntaxError, PolicySettingError } from '../../src/domain/errors.js';
import { applyPolicyChange, changeFromParameters, changeFromWords, describeChange, parsePolicyIdentity } from '../../src/domain/policy-admin.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';

function refusal(run: () => unknown): CommandSyntaxError | PolicySettingError {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandSyntaxError || error instanceof PolicySettingError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('parsePolicyIdentity', () => {
  it.each([
    [undefined, 'Global'],
    ['', 'Global'],
    ['  ', 'Global'],
    ['global', 'Global'],
    ['GLOBAL', 'Global'],
    ['site:Redmond', 'site:Redmond'],
    ['SITE:Redmond', 'site:Redmond'],
    ['tag:StrictPin', 'tag:StrictPin'],
    ['Tag:StrictPin', 'tag:StrictPin'],
    ['StrictPin', 'tag:StrictPin'],
    ['myglobal', 'tag:myglobal'],
    ['globally', 'tag:globally'],
    ['  Strict.Pin_2-b  ', 'tag:Strict.Pin_2-b'],
    ['a'.repeat(64), `tag:${'a'.repeat(64)}`],
  ])('%s → %s', (text, identity) => {
    expect(parsePolicyIdentity(text)).toBe(identity);
  });

  it.each(['mysite:x', 'site:', 'tag:', 'Strict Pin', '-strict', '.strict', 'a'.repeat(65), 'site:Red mond', 'x:y', 'Globals?'])('%s is refused, naming it', (text) => {
    const error = refusal(() => parsePolicyIdentity(text));
    expect(error).toBeInstanceOf(CommandSyntaxError);
    expect((error as CommandSyntaxError).problem).toBe(
      `"${text.trim()}" is not a policy identity: use Global, site:<site name> or a per-user policy name (letters, digits, . _ -).`,
    );
    expect((error as CommandSyntaxError).example).toBe('Get-CsPinPolicy -Identity site:Redmond');
  });
});

describe('changeFromParameters (New/Set-CsPinPolicy)', () => {
  it('reads every parameter, by its cmdlet name, and nothing else', () => {
    const parameters = new Map<string, string | true>([
      ['MinPasswordLength', '6'],
      ['PINHistoryCount', ' 3 '],
      ['PINLifetime', '90'],
      ['AllowCommonPatterns', '$false'],
      ['MaximumLogonAttempts', '10'],
      ['Description', 'Strict'],
      ['Identity', 'site:Redmond'],
    ]);
    expect(changeFromParameters(parameters)).toEqual({
      minPasswordLength: 6,
      pinHistoryCount: 3,
      pinLifetimeDays: 90,
      allowCommonPatterns: false,
      maximumLogonAttempts: 10,
      description: 'Strict',
    });
    expect(changeFromParameters(new Map())).toEqual({});
  });

  it('a bare -AllowCommonPatterns switch means $true; $null unsets MaximumLogonAttempts', () => {
    expect(changeFromParameters(new Map<string, string | true>([['AllowCommonPatterns', true]]))).toEqual({ allowCommonPatterns: true });
    expect(changeFromParameters(new Map([['MaximumLogonAttempts', '$null']]))).toEqual({ maximumLogonAttempts: null });
  });
});

describe('changeFromWords (new pin policy … min 6 history 3)', () => {
  it('reads every word and its synonyms, in any case', () => {
    expect(changeFromWords(['min', '6', 'history', '3', 'lifetime', '90', 'attempts', '10', 'common-patterns', 'no', 'description', 'Strict'])).toEqual({
      minPasswordLength: 6,
      pinHistoryCount: 3,
      pinLifetimeDays: 90,
      maximumLogonAttempts: 10,
      allowCommonPatterns: false,
      description: 'Strict',
    });
    expect(changeFromWords(['LENGTH', '7', 'Expiry', '30', 'patterns', 'yes'])).toEqual({ minPasswordLength: 7, pinLifetimeDays: 30, allowCommonPatterns: true });
    expect(changeFromWords([])).toEqual({});
  });

  it('an unknown word or a missing value is a syntax error', () => {
    const unknown = refusal(() => changeFromWords(['min', '6', 'colour', 'blue'])) as CommandSyntaxError;
    expect(unknown).toBeInstanceOf(CommandSyntaxError);
    expect(unknown.problem).toBe('"colour" is not a policy setting. Use min, history, lifetime, attempts, common-patterns or description.');
    expect(unknown.example).toBe('new pin policy site:Redmond min 6 history 3');
    const missing = refusal(() => changeFromWords(['History'])) as CommandSyntaxError;
    expect(missing).toBeInstanceOf(CommandSyntaxError);
    expect(missing.problem).toBe('history needs a value.');
    expect(missing.example).toBe('new pin policy site:Redmond min 6');
  });
});

describe('each setting is checked and named by its cmdlet parameter', () => {
  const words = (word: string, value: string) => changeFromWords([word, value]);

  it.each([
    ['min', '4', { minPasswordLength: 4 }],
    ['min', '24', { minPasswordLength: 24 }],
    ['history', '0', { pinHistoryCount: 0 }],
    ['history', '20', { pinHistoryCount: 20 }],
    ['lifetime', '0', { pinLifetimeDays: 0 }],
    ['lifetime', '999', { pinLifetimeDays: 999 }],
    ['attempts', '1', { maximumLogonAttempts: 1 }],
    ['attempts', '999', { maximumLogonAttempts: 999 }],
    ['attempts', 'unset', { maximumLogonAttempts: null }],
    ['attempts', 'None', { maximumLogonAttempts: null }],
    ['attempts', 'default', { maximumLogonAttempts: null }],
    ['attempts', '$NULL', { maximumLogonAttempts: null }],
    ['patterns', '$true', { allowCommonPatterns: true }],
    ['patterns', 'TRUE', { allowCommonPatterns: true }],
    ['patterns', 'on', { allowCommonPatterns: true }],
    ['patterns', '1', { allowCommonPatterns: true }],
    ['patterns', '$false', { allowCommonPatterns: false }],
    ['patterns', 'false', { allowCommonPatterns: false }],
    ['patterns', 'off', { allowCommonPatterns: false }],
    ['patterns', '0', { allowCommonPatterns: false }],
    ['description', '  Strict for the board  ', { description: 'Strict for the board' }],
  ])('%s %s', (word, value, change) => {
    expect(words(word, value)).toEqual(change);
  });

  it('a description keeps at most 1024 characters', () => {
    expect(words('description', 'x'.repeat(2000)).description).toHaveLength(1024);
  });

  it.each([
    ['min', '3', 'MinPasswordLength', 'must be from 4 to 24'],
    ['min', '25', 'MinPasswordLength', 'must be from 4 to 24'],
    ['history', '21', 'PINHistoryCount', 'must be from 0 to 20'],
    ['lifetime', '1000', 'PINLifetime', 'must be from 0 to 999'],
    ['attempts', '0', 'MaximumLogonAttempts', 'must be from 1 to 999'],
    ['attempts', '1000', 'MaximumLogonAttempts', 'must be from 1 to 999'],
    ['min', 'six', 'MinPasswordLength', 'must be a whole number'],
    ['min', '6.5', 'MinPasswordLength', 'must be a whole number'],
    ['min', '-6', 'MinPasswordLength', 'must be a whole number'],
    ['min', '6x', 'MinPasswordLength', 'must be a whole number'],
    ['history', 'unset', 'PINHistoryCount', 'must be a whole number'],
    ['patterns', 'maybe', 'AllowCommonPatterns', 'must be $true or $false (yes or no)'],
    ['patterns', 'yes please', 'AllowCommonPatterns', 'must be $true or $false (yes or no)'],
    ['patterns', 'not no', 'AllowCommonPatterns', 'must be $true or $false (yes or no)'],
    ['patterns', 'upon', 'AllowCommonPatterns', 'must be $true or $false (yes or no)'],
    ['attempts', 'nonenone', 'MaximumLogonAttempts', 'must be a whole number'],
    ['attempts', 'xnone', 'MaximumLogonAttempts', 'must be a whole number'],
  ])('%s %s is refused: %s %s', (word, value, parameter, problem) => {
    const error = refusal(() => words(word, value)) as PolicySettingError;
    expect(error).toBeInstanceOf(PolicySettingError);
    expect(error.parameter).toBe(parameter);
    expect(error.problem).toBe(problem);
  });
});

describe('applyPolicyChange', () => {
  it('changes only what is given, and unsets MaximumLogonAttempts on null', () => {
    expect(applyPolicyChange(GLOBAL_DEFAULTS, { minPasswordLength: 6 })).toEqual({ ...GLOBAL_DEFAULTS, minPasswordLength: 6 });
    const limited = applyPolicyChange(GLOBAL_DEFAULTS, { maximumLogonAttempts: 10 });
    expect(limited).toEqual({ ...GLOBAL_DEFAULTS, maximumLogonAttempts: 10 });
    expect(applyPolicyChange(limited, {})).toEqual(limited);
    expect(applyPolicyChange(limited, { maximumLogonAttempts: null })).toEqual(GLOBAL_DEFAULTS);
    expect('maximumLogonAttempts' in applyPolicyChange(limited, { maximumLogonAttempts: null })).toBe(false);
  });

  it('checks the result as a whole: a lifetime needs a history', () => {
    const error = refusal(() => applyPolicyChange(GLOBAL_DEFAULTS, { pinLifetimeDays: 90 })) as PolicySettingError;
    expect(error).toBeInstanceOf(PolicySettingError);
    expect(error.parameter).toBe('PINHistoryCount');
    expect(error.problem).toBe('PINLifetime greater than 0 requires PINHistoryCount greater than 0');
    expect(applyPolicyChange(GLOBAL_DEFAULTS, { pinLifetimeDays: 90, pinHistoryCount: 1 })).toMatchObject({ pinLifetimeDays: 90, pinHistoryCount: 1 });
  });

  it('names the parameter of an out-of-range value it is given directly', () => {
    const error = refusal(() => applyPolicyChange(GLOBAL_DEFAULTS, { minPasswordLength: 30 })) as PolicySettingError;
    expect(error.parameter).toBe('MinPasswordLength');
  });
});

describe('describeChange (the audit trail of a policy change)', () => {
  it('lists only what changed, by parameter, before and after', () => {
    expect(describeChange(GLOBAL_DEFAULTS, { ...GLOBAL_DEFAULTS, minPasswordLength: 6, maximumLogonAttempts: 3 })).toBe(
      JSON.stringify({ MinPasswordLength: [5, 6], MaximumLogonAttempts: [null, 3] }),
    );
    expect(describeChange(GLOBAL_DEFAULTS, GLOBAL_DEFAULTS)).toBe('{}');
    expect(describeChange(undefined, GLOBAL_DEFAULTS)).toBe(
      JSON.stringify({ MinPasswordLength: [null, 5], PINHistoryCount: [null, 0], PINLifetime: [null, 0], AllowCommonPatterns: [null, false] }),
    );
    expect(JSON.parse(describeChange({ ...GLOBAL_DEFAULTS, description: 'old' }, undefined))).toMatchObject({ Description: ['old', null] });
  });
});
