// Text users typed, shown back to them or to others, never repeats a run of digits that could be
// someone's PIN (4 or more digits not part of a +phone number) — digits of any script (\p{Nd}:
// Arabic-Indic, Devanagari, fullwidth, …) as much as 0–9.

export function maskDigits(text: string): string {
  return text.replace(/(?<![+\p{Nd}])\p{Nd}{4,}/gu, '••••');
}
