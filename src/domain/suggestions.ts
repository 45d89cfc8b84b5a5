// "Did you mean": rank candidate users by how close one of their names is to what was typed.
import { distance } from 'fastest-levenshtein';
import type { DirectoryUser } from './user.js';

/** The words worth looking up by prefix for suggestions (2+ characters). */
export function suggestionWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s.@_\\-]+/)
    .filter((word) => word.length >= 2);
}

export function rankSuggestions(text: string, candidates: Iterable<DirectoryUser>, limit: number): DirectoryUser[] {
  const needle = text.toLowerCase();
  const tolerance = Math.max(2, Math.floor(needle.length / 3));
  const unique = new Map<string, DirectoryUser>();
  for (const user of candidates) unique.set(user.id, user);
  return [...unique.values()]
    .map((user) => ({ user, distance: closeness(needle, user) }))
    .filter((scored) => scored.distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || a.user.displayName.localeCompare(b.user.displayName))
    .slice(0, limit)
    .map(({ user }) => user);
}

function closeness(needle: string, user: DirectoryUser): number {
  const names = [user.displayName, user.givenName, user.sn, user.samAccountName].filter((n): n is string => Boolean(n));
  return Math.min(...names.map((name) => distance(needle, name.toLowerCase())));
}
