// Chat text before any rule sees it: Teams and phones turn quotes curly and spaces odd; mentions
// are stripped by the chat surface. NUL never survives (directories truncate at it). Digits of any
// script become 0–9 (domain/digits.ts), so `set pin Ken Myer ٧٣٠١٩٤` is a PIN, not part of a name.
import { toAsciiDigits } from '../digits.js';

/** Longer than any sensible command; we answer instead of parsing a pasted document. */
export const MAX_COMMAND_LENGTH = 1000;

export function normalizeText(input: string): string {
  return toAsciiDigits(input.normalize('NFKC'))
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u0000/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `"Ken Myer"` or `'Ken Myer'` → `Ken Myer`. */
export function unquote(text: string): string {
  const trimmed = text.trim();
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(trimmed);
  return (quoted ? (quoted[1] ?? quoted[2] ?? '') : trimmed).trim();
}
