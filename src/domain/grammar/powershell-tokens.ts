// PowerShell's quoting, as far as a pasted cmdlet line needs it: "double" (with ` escapes),
// 'single' (with '' for a quote), or bare words.

export interface Token {
  value: string;
  quoted: boolean;
}

export function tokenizePowerShell(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /"((?:[^"`]|`.)*)"|'((?:[^']|'')*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) tokens.push({ value: match[1].replace(/`(.)/g, '$1'), quoted: true });
    else if (match[2] !== undefined) tokens.push({ value: match[2].replace(/''/g, "'"), quoted: true });
    else tokens.push({ value: match[3]!, quoted: false });
  }
  return tokens;
}
