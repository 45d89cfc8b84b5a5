// Text typed by one person and shown to another in a chat message (a denial note, a requester's
// reason): clients render message text as Markdown, so its special characters are escaped and a
// `[link](url)` in a note stays text.

/** What makes emphasis, code, links, HTML and tables: escaped, the rest left readable. */
const SPECIAL = /[\\`*_[\]<>~|]/g;

export function escapeMarkdown(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}
