// The embedded default directory: a validated file held in memory behind exact and prefix indexes
// for every searchable attribute, so resolving a user never walks the whole list.
import { readFile } from 'node:fs/promises';
import { normalizeDn } from '../../domain/dn.js';
import { lineNumberOf, parseIdentity, type IdentityQuery } from '../../domain/identity.js';
import { matchesClause, type UserSearch } from '../../domain/user-search.js';
import { phoneNumberOf } from '../../domain/common-patterns.js';
import type { DirectoryUser } from '../../domain/user.js';
import type { AccountKey, Directory } from '../../ports/directory.js';
import { directoryFileSchema, type DirectoryFile, type DirectoryFileUser } from './directory-file.js';
import { SortedIndex } from './sorted-index.js';
import { rankSuggestions, suggestionWords } from '../../domain/suggestions.js';

export class DirectoryFileError extends Error {}

export async function loadFileDirectory(file: string): Promise<FileDirectory> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DirectoryFileError(`cannot read directory file ${file}: ${(error as Error).message}`);
  }
  const parsed = directoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new DirectoryFileError(`directory file ${file} is not valid: ${first.join('; ')}`);
  }
  return new FileDirectory(parsed.data);
}

type Exact = Map<string, DirectoryUser[]>;

export class FileDirectory implements Directory {
  private readonly byId = new Map<string, DirectoryUser>();
  private readonly exact = {
    dn: new Map() as Exact,
    sam: new Map() as Exact,
    upn: new Map() as Exact,
    sip: new Map() as Exact,
    mail: new Map() as Exact,
    line: new Map() as Exact,
    extension: new Map() as Exact,
  };
  private readonly names: SortedIndex<DirectoryUser>[];
  private readonly sipPrefix: SortedIndex<DirectoryUser>;
  private readonly linePrefix: SortedIndex<DirectoryUser>;
  /** member sAMAccountName (lower case) → names of the groups it is directly in. */
  private readonly memberOf = new Map<string, string[]>();
  private readonly domain: string;
  private readonly siteNames: string[];

  constructor(file: DirectoryFile) {
    this.domain = file.domain.toUpperCase();
    const pools = new Map(Object.entries(file.pools).map(([dn, site]) => [normalizeDn(dn), site]));
    this.siteNames = [...new Set(pools.values())].sort();
    const users = file.users.map((u) => toUser(u, pools));
    for (const user of users) {
      this.byId.set(user.id, user);
      add(this.exact.dn, normalizeDn(user.dn), user);
      add(this.exact.sam, user.samAccountName.toLowerCase(), user);
      add(this.exact.upn, user.userPrincipalName.toLowerCase(), user);
      if (user.sipAddress) add(this.exact.sip, sipKey(user.sipAddress), user);
      if (user.mail) add(this.exact.mail, user.mail.toLowerCase(), user);
      if (user.lineUri) {
        add(this.exact.line, lineNumberOf(user.lineUri), user);
        for (const extension of extensionsOf(user.lineUri)) add(this.exact.extension, extension, user);
      }
    }
    const keyed = (key: (u: DirectoryUser) => string | undefined) =>
      new SortedIndex(users.flatMap((u): [string, DirectoryUser][] => (key(u) ? [[key(u)!.toLowerCase(), u]] : [])));
    this.names = [keyed((u) => u.displayName), keyed((u) => u.givenName), keyed((u) => u.sn), keyed((u) => u.samAccountName)];
    this.sipPrefix = keyed((u) => (u.sipAddress ? sipKey(u.sipAddress) : undefined));
    this.linePrefix = keyed((u) => (u.lineUri ? lineNumberOf(u.lineUri) : undefined));
    for (const group of file.groups) {
      for (const member of group.members) add(this.memberOf, member.toLowerCase(), group.sAMAccountName);
    }
  }

  async search(query: IdentityQuery, limit: number): Promise<DirectoryUser[]> {
    switch (query.kind) {
      case 'sip':
        return take(this.exact.sip.get(query.address), limit);
      case 'email':
        return take(unique([this.exact.upn, this.exact.sip, this.exact.mail].flatMap((m) => m.get(query.address) ?? [])), limit);
      case 'dn':
        return take(this.exact.dn.get(normalizeDn(query.dn)), limit);
      case 'domain-account':
        return query.domain === this.domain ? take(this.exact.sam.get(query.sam), limit) : [];
      case 'line': {
        const exact = this.exact.line.get(query.number);
        return exact ? take(exact, limit) : [...this.linePrefix.prefix(query.number, limit)];
      }
      case 'name':
        return this.searchName(query.text.toLowerCase(), limit);
      case 'extension':
        return take(unique(this.exact.extension.get(query.extension) ?? []), limit);
    }
  }

  private searchName(text: string, limit: number): DirectoryUser[] {
    const exact = unique([
      ...(this.exact.sam.get(text) ?? []),
      ...[...this.names[0]!.prefix(text, limit + 1)].filter((u) => u.displayName.toLowerCase() === text),
    ]);
    const found = new Set<DirectoryUser>(exact);
    for (const index of [...this.names, this.sipPrefix]) {
      for (const user of index.prefix(text, limit)) {
        if (found.size >= limit) break;
        found.add(user);
      }
    }
    return [...found].slice(0, limit);
  }

  /**
   * With text, the candidates come from the indexes; filters alone walk the whole file (fine for a
   * file-sized directory; LDAP pushes every clause to the server).
   */
  async find(search: UserSearch, limit: number): Promise<DirectoryUser[]> {
    const query = search.text ? parseIdentity(search.text) : undefined;
    const candidates: Iterable<DirectoryUser> = query ? await this.search(query, Number.MAX_SAFE_INTEGER) : this.byId.values();
    const found: DirectoryUser[] = [];
    for (const user of candidates) {
      if (!search.clauses.every((clause) => matchesClause(user, clause))) continue;
      found.push(user);
      if (found.length >= limit) break;
    }
    return found;
  }

  async getById(id: string): Promise<DirectoryUser | undefined> {
    return this.byId.get(id.toLowerCase());
  }

  async findAccount(key: AccountKey): Promise<DirectoryUser | undefined> {
    const one = (users: DirectoryUser[] | undefined) => (users?.length === 1 ? users[0] : undefined);
    if (key.userPrincipalName) {
      const user = one(this.exact.upn.get(key.userPrincipalName.toLowerCase()));
      if (user) return user;
    }
    if (key.objectId) {
      const user = this.byId.get(key.objectId.toLowerCase());
      if (user) return user;
    }
    if (key.samAccountName) return one(this.exact.sam.get(key.samAccountName.toLowerCase()));
    return undefined;
  }

  async groupsOf(user: DirectoryUser): Promise<ReadonlySet<string>> {
    const groups = new Set<string>();
    const queue = [user.samAccountName.toLowerCase()];
    // Breadth-first up the membership graph; the visited set makes cycles harmless.
    while (queue.length > 0) {
      for (const group of this.memberOf.get(queue.shift()!) ?? []) {
        if (groups.has(group)) continue;
        groups.add(group);
        queue.push(group.toLowerCase());
      }
    }
    return groups;
  }

  async suggest(text: string, limit: number): Promise<DirectoryUser[]> {
    const candidates: DirectoryUser[] = [];
    for (const word of suggestionWords(text)) {
      for (const index of this.names) candidates.push(...index.prefix(word.slice(0, 2), 200));
    }
    return rankSuggestions(text, candidates, limit);
  }

  async sites(): Promise<string[]> {
    return this.siteNames;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  get size(): number {
    return this.byId.size;
  }
}

function toUser(u: DirectoryFileUser, pools: Map<string, string>): DirectoryUser {
  const home = u['msRTCSIP-PrimaryHomeServer'];
  return {
    id: u.objectGUID.toLowerCase(),
    dn: u.distinguishedName,
    displayName: u.displayName,
    givenName: u.givenName,
    sn: u.sn,
    samAccountName: u.sAMAccountName,
    userPrincipalName: u.userPrincipalName,
    mail: u.mail,
    sipAddress: u['msRTCSIP-PrimaryUserAddress'],
    lineUri: u['msRTCSIP-Line'],
    enabled: u['msRTCSIP-UserEnabled'],
    site: home ? pools.get(normalizeDn(home)) : undefined,
  };
}

/** A line's `;ext=` and the last 3 to 7 digits of its number: what a caller may key in. */
function extensionsOf(lineUri: string): string[] {
  const phone = phoneNumberOf(lineUri);
  if (!phone) return [];
  const suffixes = [3, 4, 5, 6, 7].filter((n) => phone.digits.length > n).map((n) => phone.digits.slice(-n));
  return [...new Set([...(phone.extension ? [phone.extension] : []), ...suffixes])];
}

function sipKey(sipAddress: string): string {
  return sipAddress.replace(/^sip:/i, '').toLowerCase();
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function take<T>(items: T[] | undefined, limit: number): T[] {
  return (items ?? []).slice(0, limit);
}
