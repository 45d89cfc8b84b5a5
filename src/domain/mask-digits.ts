// Text users typed, shown back to them or to others, never repeats a run of digits that could be
// someone's PIN (4 or more digits not part of a +phone number).

export function maskDigits(text: string): string {
  return text.replace(/(?<![+\d])\d{4,}/g, '••••');
}
