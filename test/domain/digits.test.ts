// PINs typed in other digit systems (issue 12, item 17): every Unicode decimal digit (\p{Nd}) is
// read as the ASCII digit of the same value, and masked like 0–9 wherever a digit run could be a PIN.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/desk/commands/registry.js';
import { digitValue, toAsciiDigits } from '../../src/domain/digits.js';
import { maskDigits } from '../../src/domain/mask-digits.js';
import { cleanReason } from '../../src/domain/pin-request.js';

/** Every decimal digit Unicode has (this engine's Unicode version), in code point order. */
const ALL_DIGITS: string[] = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const char = String.fromCodePoint(cp);
  if (/\p{Nd}/u.test(char)) ALL_DIGITS.push(char);
}
const digitArb = fc.constantFrom(...ALL_DIGITS);
/** Text with no digit at all (a "+1234" would rightly stay: phone numbers are not masked). */
const noDigits = fc.string({ maxLength: 10 }).map((s) => s.replace(/\p{Nd}/gu, ''));
const digitRun = (min: number, max: number) => fc.array(digitArb, { minLength: min, maxLength: max }).map((ds) => ds.join(''));

describe('digits of any script', () => {
  it('knows the scripts in the issue', () => {
    expect(toAsciiDigits('٧٣٠١٩٤')).toBe('730194'); // Arabic-Indic
    expect(toAsciiDigits('۷۳۰۱۹۴')).toBe('730194'); // Extended Arabic-Indic
    expect(toAsciiDigits('७३०१९४')).toBe('730194'); // Devanagari
    expect(toAsciiDigits('７３０１９４')).toBe('730194'); // fullwidth
    expect(toAsciiDigits('𝟕𝟑𝟎𝟏𝟗𝟒')).toBe('730194'); // mathematical bold (a run of 50)
    expect(toAsciiDigits('Ken Myer ٧٣٠١٩٤')).toBe('Ken Myer 730194');
  });

  it('every Unicode decimal digit runs 0–9 in order, and maps to its value', () => {
    expect(ALL_DIGITS.length % 10).toBe(0);
    for (let i = 0; i < ALL_DIGITS.length; i++) expect(digitValue(ALL_DIGITS[i]!)).toBe(i % 10);
  });

  it('maps any string of digits to 0–9, one for one', () => {
    fc.assert(
      fc.property(digitRun(0, 30), (digits) => {
        const ascii = toAsciiDigits(digits);
        expect(ascii).toMatch(/^[0-9]*$/);
        expect(ascii.length).toBe([...digits].length);
      }),
    );
  });

  it('masks a run of 4 or more digits in any script, or any mix of scripts', () => {
    fc.assert(
      fc.property(noDigits, digitRun(4, 12), noDigits, (before, run, after) => {
        const masked = maskDigits(`${before} ${run} ${after}`);
        expect(masked).not.toMatch(/\p{Nd}{4}/u);
        expect(masked).not.toContain(run);
      }),
    );
    expect(maskDigits('my old pin was ٧٣٠١٩٤ or ७३०१९४')).toBe('my old pin was •••• or ••••');
    expect(cleanReason('old pin ۷۳۰۱۹۴')).toBe('old pin ••••');
  });

  it('a PIN typed in any script after the name is a PIN (as 0–9), never part of the name', () => {
    fc.assert(
      fc.property(digitRun(4, 12), (pin) => {
        expect(parseCommand(`set pin Ken Myer ${pin}`)).toEqual({ kind: 'set-pin', identity: 'Ken Myer', pin: toAsciiDigits(pin), ignoreHistory: false });
        expect(parseCommand(`Set-CsClientPin -Identity "Ken Myer" -Pin ${pin}`)).toMatchObject({ identity: 'Ken Myer', pin: toAsciiDigits(pin) });
      }),
    );
  });
});
