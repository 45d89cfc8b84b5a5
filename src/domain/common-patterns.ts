// The common-pattern rule (rejected when a policy's AllowCommonPatterns is False).
// Microsoft only gives examples; this exact rule is ours, documented in README and tested table-driven:
//  1. repeated digits: every run of equal digits is at least 2 long (222222, 225577, 11223344);
//  2. a repeated block: the whole PIN is one shorter block written 2+ times (1212, 123123, 5858);
//  3. a sequence: 4 or more consecutive digits anywhere, each one up (or each one down) by 1,
//     wrapping 9→0 as on a keypad row (1234, 991234, 4321, 7890, 8901);
//  4. the user's own number: the PIN equals the line URI's digits, its last N digits (N = PIN
//     length), or its `;ext=` value.

export type CommonPattern = 'repeated-digits' | 'repeated-block' | 'sequence' | 'phone-number' | 'extension';

export interface PhoneNumber {
  /** Digits of the line URI's number, without `+` or extension. */
  digits: string;
  extension?: string | undefined;
}

export function findCommonPattern(pin: string, phone?: PhoneNumber): CommonPattern | undefined {
  if (hasOnlyRepeatedRuns(pin)) return 'repeated-digits';
  if (isRepeatedBlock(pin)) return 'repeated-block';
  if (hasSequence(pin, 4)) return 'sequence';
  if (phone) {
    if (phone.extension && pin === phone.extension) return 'extension';
    if (phone.digits && phone.digits.endsWith(pin)) return 'phone-number';
  }
  return undefined;
}

export const COMMON_PATTERN_TEXT: Record<CommonPattern, string> = {
  'repeated-digits': 'it is made of repeated digits (like 222222 or 225577)',
  'repeated-block': 'it repeats the same group of digits (like 1212 or 123123)',
  sequence: 'it contains 4 or more consecutive digits in a row (like 1234 or 4321)',
  'phone-number': "it matches the user's phone number",
  extension: "it matches the user's extension",
};

function hasOnlyRepeatedRuns(pin: string): boolean {
  let i = 0;
  while (i < pin.length) {
    let j = i;
    while (j < pin.length && pin[j] === pin[i]) j++;
    if (j - i < 2) return false;
    i = j;
  }
  return pin.length > 0;
}

function isRepeatedBlock(pin: string): boolean {
  for (let size = 1; size <= pin.length / 2; size++) {
    if (pin.length % size !== 0) continue;
    if (pin.slice(size) + pin.slice(0, size) === pin) return true;
  }
  return false;
}

function hasSequence(pin: string, minimum: number): boolean {
  for (const direction of [1, -1]) {
    let run = 1;
    for (let i = 1; i < pin.length; i++) {
      const step = (Number(pin[i]) - Number(pin[i - 1]) + 10) % 10;
      run = step === (direction + 10) % 10 ? run + 1 : 1;
      if (run >= minimum) return true;
    }
  }
  return false;
}

/** Parses `tel:+14255550100;ext=0100` (or a bare `+1425...`) into its digits and extension. */
export function phoneNumberOf(lineUri: string | undefined): PhoneNumber | undefined {
  if (!lineUri) return undefined;
  const [number = '', ...params] = lineUri.replace(/^tel:/i, '').split(';');
  const digits = number.replace(/\D/g, '');
  const ext = params.map((p) => /^ext=(\d+)$/i.exec(p.trim())?.[1]).find(Boolean);
  if (!digits && !ext) return undefined;
  return { digits, extension: ext };
}
