// Digits in any script. A PIN is digits 0–9 (spec), but people type them with the keyboard they
// have: Arabic-Indic ٧٣٠١٩٤, Extended Arabic-Indic (Persian, Urdu) ۷۳۰۱۹۴, Devanagari ७३०१९४,
// fullwidth ７３０１９４. Our rule: every Unicode decimal digit (General Category Nd) is read as the
// ASCII digit of the same value, before any other rule sees the text — so such a PIN is accepted
// (and checked, hashed and shown as 0–9), and masked wherever a digit run could be a PIN.

/** One Unicode decimal digit (\p{Nd}), in any script. */
export const UNICODE_DIGIT = /\p{Nd}/u;

const isDigit = (codePoint: number): boolean => UNICODE_DIGIT.test(String.fromCodePoint(codePoint));

/** The value 0–9 of one Unicode decimal digit. */
export function digitValue(digit: string): number {
  const codePoint = digit.codePointAt(0)!;
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30;
  // Unicode assigns decimal digits only in contiguous runs of ten, 0 to 9 in order (a stability
  // guarantee), so the value is the distance from the start of the run, modulo ten.
  let start = codePoint;
  while (start > 0 && isDigit(start - 1)) start--;
  return (codePoint - start) % 10;
}

/** Every decimal digit, in any script, as its ASCII digit; everything else unchanged. */
export function toAsciiDigits(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? text.replace(/\p{Nd}/gu, (digit) => String(digitValue(digit))) : text;
}
