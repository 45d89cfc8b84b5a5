// Active Directory or OpenLDAP behind the directory port: one indexed query per look-up, paged
// searches that stop once enough entries arrived, nested groups by the in-chain rule (AD) or a
// bounded breadth-first walk (OpenLDAP, which silently ignores the in-chain rule).
import { FilterParser, InvalidDNSyntaxError, NoSuchObjectError, type Client, type Entry, type Filter, type SearchOptions } from 'ldapts';
import { lineNumberOf, parseIdentity, type IdentityQuery } from '../../domain/identity.js';
import { normalizeDn } from '../../domain/dn.js';
import { rankSuggestions, suggestionWords } from '../../domain/suggestions.js';
import type { DirectoryUser } from '../../domain/user.js';
import type { UserSearch } from '../../domain/user-search.js';
import type { AccountKey, Directory } from '../../ports/directory.js';
import { LdapPool } from './connection-pool.js';
import { and, clauseFilter, directMembersFilter, equalityFilter, identityFilter, idFilter, inChainFilter, isUnder, prefixFilter } from './filters.js';
import { guidFromBytes, guidToBytes, isGuid } from './guid.js';
import type { LdapSettings } from './settings.js';

/** How deep the OpenLDAP group walk goes, and how many groups it visits at most. */
const MAX_GROUP_DEPTH = 16;
const MAX_GROUPS = 2000;
/** Groups asked about per query in the OpenLDAP walk. */
const MEMBER_BATCH = 50;

export class LdapDirectory implements Directory {
  private readonly pool: LdapPool;
  private readonly userFilter: Filter;
  private readonly groupFilter: Filter;
  private readonly userAttributes: string[];
  private readonly pools: Map<string, string>;

  constructor(private readonly settings: LdapSettings) {
    this.pool = new LdapPool(settings);
    this.userFilter = FilterParser.parseString(settings.userFilter);
    this.groupFilter = FilterParser.parseString(settings.groupFilter);
    const a = settings.attributes;
    this.userAttributes = [a.id, a.displayName, a.givenName, a.sn, a.samAccountName, a.userPrincipalName, a.mail, a.sipAddress, a.lineUri, a.enabled, a.homeServer];
    this.pools = new Map(Object.entries(settings.pools).map(([dn, site]) => [normalizeDn(dn), site]));
  }

  async search(query: IdentityQuery, limit: number): Promise<DirectoryUser[]> {
    if (query.kind === 'dn') return this.byDn(query.dn);
    const filter = identityFilter(query, this.settings.attributes, this.settings.netbiosDomain);
    if (!filter) return [];
    const users = await this.users(filter, query.kind === 'line' ? Math.max(limit, 50) : limit);
    if (query.kind === 'line') {
      const exact = users.filter((u) => u.lineUri && lineNumberOf(u.lineUri) === query.number);
      return (exact.length > 0 ? exact : users).slice(0, limit);
    }
    if (query.kind === 'name') {
      // Exact display or account names first, as the desk prefers a single exact match.
      const text = query.text.toLowerCase();
      const isExact = (u: DirectoryUser) => u.displayName.toLowerCase() === text || u.samAccountName.toLowerCase() === text;
      return [...users.filter(isExact), ...users.filter((u) => !isExact(u))];
    }
    return users;
  }

  async find(search: UserSearch, limit: number): Promise<DirectoryUser[]> {
    const filters: Filter[] = [];
    if (search.text) {
      const query = parseIdentity(search.text);
      if (!query) return [];
      if (query.kind === 'dn') return this.byDn(query.dn);
      const filter = identityFilter(query, this.settings.attributes, this.settings.netbiosDomain);
      if (!filter) return [];
      filters.push(filter);
    }
    for (const clause of search.clauses) {
      const filter = clauseFilter(clause, this.settings.attributes, this.settings.pools);
      if (filter === null) return [];
      if (filter) filters.push(filter);
    }
    return this.users(filters.length > 0 ? and(filters) : undefined, limit);
  }

  async getById(id: string): Promise<DirectoryUser | undefined> {
    if (!isGuid(id)) return undefined;
    const a = this.settings.attributes;
    const value = this.settings.flavor === 'ad' ? guidToBytes(id) : id;
    return (await this.users(idFilter(a.id, value), 1))[0];
  }

  async findAccount(key: AccountKey): Promise<DirectoryUser | undefined> {
    const a = this.settings.attributes;
    if (key.userPrincipalName) {
      const users = await this.users(equalityFilter(a.userPrincipalName, key.userPrincipalName), 2);
      if (users.length === 1) return users[0];
    }
    if (key.objectId) {
      const user = await this.getById(key.objectId);
      if (user) return user;
    }
    if (key.samAccountName) {
      const users = await this.users(equalityFilter(a.samAccountName, key.samAccountName), 2);
      if (users.length === 1) return users[0];
    }
    return undefined;
  }

  async groupsOf(user: DirectoryUser): Promise<ReadonlySet<string>> {
    const { groupName, member } = this.settings.attributes;
    if (this.settings.flavor === 'ad') {
      const entries = await this.entries(and([this.groupFilter, inChainFilter(member, user.dn)]), [groupName], MAX_GROUPS);
      return new Set(entries.map((e) => first(e[groupName])).filter((n): n is string => Boolean(n)));
    }
    const names = new Set<string>();
    const visited = new Set<string>([normalizeDn(user.dn)]);
    let frontier = [user.dn];
    for (let depth = 0; depth < MAX_GROUP_DEPTH && frontier.length > 0 && visited.size < MAX_GROUPS; depth++) {
      const next: string[] = [];
      for (let i = 0; i < frontier.length; i += MEMBER_BATCH) {
        const batch = frontier.slice(i, i + MEMBER_BATCH);
        for (const entry of await this.entries(and([this.groupFilter, directMembersFilter(member, batch)]), [groupName], MAX_GROUPS)) {
          const key = normalizeDn(entry.dn);
          if (visited.has(key)) continue; // cycles end here
          visited.add(key);
          const name = first(entry[groupName]);
          if (name) names.add(name);
          next.push(entry.dn);
        }
      }
      frontier = next;
    }
    return names;
  }

  async suggest(text: string, limit: number): Promise<DirectoryUser[]> {
    const a = this.settings.attributes;
    const words = suggestionWords(text).slice(0, 4);
    if (words.length === 0) return [];
    const candidates: DirectoryUser[] = [];
    for (const word of words) candidates.push(...(await this.users(prefixFilter([a.displayName, a.givenName, a.sn], word.slice(0, 2)), 200)));
    return rankSuggestions(text, candidates, limit);
  }

  async sites(): Promise<string[]> {
    return [...new Set(this.pools.values())].sort();
  }

  async ping(): Promise<void> {
    await this.pool.use((client) => client.search(this.settings.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] }));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private async byDn(dn: string): Promise<DirectoryUser[]> {
    if (dn.includes('\u0000') || !isUnder(dn, this.settings.baseDn)) return [];
    try {
      const entries = await this.pool.use((client) => collect(client, dn, { scope: 'base', filter: this.userFilter, attributes: this.userAttributes, explicitBufferAttributes: this.bufferAttributes() }, 1, this.settings.pageSize));
      return entries.map((e) => this.toUser(e));
    } catch (error) {
      if (error instanceof NoSuchObjectError || error instanceof InvalidDNSyntaxError) return [];
      throw error;
    }
  }

  private async users(filter: Filter | undefined, limit: number): Promise<DirectoryUser[]> {
    const entries = await this.entries(filter ? and([this.userFilter, filter]) : this.userFilter, this.userAttributes, limit);
    return entries.map((e) => this.toUser(e));
  }

  private entries(filter: Filter, attributes: string[], limit: number): Promise<Entry[]> {
    const options: SearchOptions = { scope: 'sub', filter, attributes, explicitBufferAttributes: this.bufferAttributes() };
    return this.pool.use((client) => collect(client, this.settings.baseDn, options, limit, this.settings.pageSize));
  }

  private bufferAttributes(): string[] {
    return this.settings.flavor === 'ad' ? [this.settings.attributes.id] : [];
  }

  private toUser(entry: Entry): DirectoryUser {
    const a = this.settings.attributes;
    const text = (name: string) => first(entry[name]);
    const rawId = entry[a.id];
    const id = Buffer.isBuffer(rawId) ? guidFromBytes(rawId) : Array.isArray(rawId) && Buffer.isBuffer(rawId[0]) ? guidFromBytes(rawId[0]) : (text(a.id) ?? '').toLowerCase();
    const home = text(a.homeServer);
    return {
      id,
      dn: entry.dn,
      displayName: text(a.displayName) ?? text(a.samAccountName) ?? entry.dn,
      givenName: text(a.givenName),
      sn: text(a.sn),
      samAccountName: text(a.samAccountName) ?? '',
      userPrincipalName: text(a.userPrincipalName) ?? '',
      mail: text(a.mail),
      sipAddress: text(a.sipAddress),
      lineUri: text(a.lineUri),
      enabled: (text(a.enabled) ?? '').toUpperCase() === 'TRUE',
      site: home ? this.pools.get(normalizeDn(home)) : undefined,
    };
  }
}

/** Pages through results and stops as soon as `limit` entries are in. */
async function collect(client: Client, base: string, options: SearchOptions, limit: number, pageSize: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  const paged = { ...options, paged: { pageSize: Math.max(1, Math.min(pageSize, limit)) } };
  for await (const page of client.searchPaginated(base, paged)) {
    for (const entry of page.searchEntries) {
      entries.push(entry);
      if (entries.length >= limit) return entries;
    }
  }
  return entries;
}

function first(value: Entry[string] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one.toString('utf8') : one;
}
