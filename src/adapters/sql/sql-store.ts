// The store over Kysely: the same queries serve SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';
import { pinPolicySettingsSchema, type PinPolicy, type PolicyIdentity } from '../../domain/policy.js';
import type {
  AuditLog,
  AuditRecord,
  Continuation,
  ContinuationStore,
  ConversationStore,
  PolicyStore,
  PostedCard,
  RevealEntry,
  RevealVault,
  Store,
  AuditOutcome,
  SavedSearch,
  SavedSearchStore,
} from '../../ports/store.js';
import type { UserSearch } from '../../domain/user-search.js';
import type { Database } from './schema.js';

export class SqlStore implements Store {
  readonly policies: PolicyStore;
  readonly audit: AuditLog;
  readonly reveals: RevealVault;
  readonly continuations: ContinuationStore;
  readonly conversations: ConversationStore;
  readonly searches: SavedSearchStore;

  constructor(readonly db: Kysely<Database>) {
    this.searches = new SqlSavedSearchStore(db);
    this.policies = new SqlPolicyStore(db);
    this.audit = new SqlAuditLog(db);
    this.reveals = new SqlRevealVault(db);
    this.continuations = new SqlContinuationStore(db);
    this.conversations = new SqlConversationStore(db);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

class SqlPolicyStore implements PolicyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>> {
    const rows = await this.db.selectFrom('pin_policies').selectAll().execute();
    return new Map(rows.map((row) => [row.identity, { identity: row.identity, ...pinPolicySettingsSchema.parse(JSON.parse(row.settings)) }]));
  }

  async savePolicy(policy: PinPolicy): Promise<void> {
    const { identity, ...settings } = policy;
    const values = { identity, settings: JSON.stringify(pinPolicySettingsSchema.parse(settings)), updated_at: Date.now() };
    await this.db
      .insertInto('pin_policies')
      .values(values)
      .onConflict((oc) => oc.column('identity').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }))
      .execute();
  }

  async grantedTag(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('policy_grants').select('tag').where('user_id', '=', userId).executeTakeFirst();
    return row?.tag;
  }

  async grant(userId: string, tag: string | undefined): Promise<void> {
    if (tag === undefined) {
      await this.db.deleteFrom('policy_grants').where('user_id', '=', userId).execute();
      return;
    }
    await this.db
      .insertInto('policy_grants')
      .values({ user_id: userId, tag })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ tag }))
      .execute();
  }
}

class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async append(record: AuditRecord): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({
        at: record.at.getTime(),
        actor: record.actor,
        action: record.action,
        target: record.target ?? null,
        outcome: record.outcome,
        reason: record.reason ?? null,
        request_id: record.requestId,
      })
      .execute();
  }

  async recent(filter: { actor?: string; target?: string; limit: number }): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit);
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.target) query = query.where('target', '=', filter.target);
    const rows = await query.execute();
    return rows.map((row) => ({
      at: new Date(Number(row.at)),
      actor: row.actor,
      action: row.action,
      target: row.target ?? undefined,
      outcome: row.outcome as AuditOutcome,
      reason: row.reason ?? undefined,
      requestId: row.request_id,
    }));
  }
}

class SqlRevealVault implements RevealVault {
  constructor(private readonly db: Kysely<Database>) {}

  async put(entry: RevealEntry): Promise<void> {
    await this.db
      .insertInto('reveals')
      .values({
        id: entry.id,
        addressee_id: entry.addresseeId,
        target_id: entry.targetId,
        sealed: entry.sealed ?? null,
        details: JSON.stringify(entry.details),
        created_at: entry.createdAt.getTime(),
        expires_at: entry.expiresAt.getTime(),
        card: entry.card ? JSON.stringify(entry.card) : null,
      })
      .execute();
  }

  async get(id: string): Promise<RevealEntry | undefined> {
    const row = await this.db.selectFrom('reveals').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      addresseeId: row.addressee_id,
      targetId: row.target_id,
      sealed: row.sealed ?? undefined,
      details: JSON.parse(row.details),
      createdAt: new Date(Number(row.created_at)),
      expiresAt: new Date(Number(row.expires_at)),
      card: row.card ? (JSON.parse(row.card) as PostedCard) : undefined,
    };
  }

  async attachCard(id: string, card: PostedCard): Promise<void> {
    await this.db.updateTable('reveals').set({ card: JSON.stringify(card) }).where('id', '=', id).execute();
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('reveals')
      .set({ sealed: null })
      .where('expires_at', '<=', now.getTime())
      .where('sealed', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

class SqlContinuationStore implements ContinuationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async put(c: Continuation): Promise<void> {
    await this.db
      .insertInto('continuations')
      .values({
        id: c.id,
        actor_id: c.actorId,
        kind: c.kind,
        sealed: c.sealed,
        created_at: c.createdAt.getTime(),
        expires_at: c.expiresAt.getTime(),
        used_at: c.usedAt ? c.usedAt.getTime() : null,
        card: c.card ? JSON.stringify(c.card) : null,
      })
      .execute();
  }

  async get(id: string): Promise<Continuation | undefined> {
    const row = await this.db.selectFrom('continuations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      actorId: row.actor_id,
      kind: row.kind as Continuation['kind'],
      sealed: row.sealed,
      createdAt: new Date(Number(row.created_at)),
      expiresAt: new Date(Number(row.expires_at)),
      usedAt: row.used_at === null ? undefined : new Date(Number(row.used_at)),
      card: row.card ? (JSON.parse(row.card) as PostedCard) : undefined,
    };
  }

  async consume(id: string, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('continuations')
      .set({ used_at: now.getTime() })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async attachCard(id: string, card: PostedCard): Promise<void> {
    await this.db.updateTable('continuations').set({ card: JSON.stringify(card) }).where('id', '=', id).execute();
  }

  /** Continuations carry sealed typed PINs: drop them a day after they expire. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('continuations')
      .where('expires_at', '<=', now.getTime() - 24 * 60 * 60 * 1000)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

class SqlConversationStore implements ConversationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async savePersonal(userId: string, channelId: string, reference: unknown, at: Date): Promise<void> {
    const values = { user_id: userId, channel_id: channelId, reference: JSON.stringify(reference), updated_at: at.getTime() };
    await this.db
      .insertInto('conversations')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'channel_id']).doUpdateSet({ reference: values.reference, updated_at: values.updated_at }))
      .execute();
  }

  async personal(userId: string, channelId: string): Promise<unknown | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select('reference')
      .where('user_id', '=', userId)
      .where('channel_id', '=', channelId)
      .executeTakeFirst();
    return row ? JSON.parse(row.reference) : undefined;
  }
}

class SqlSavedSearchStore implements SavedSearchStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(search: SavedSearch): Promise<void> {
    const values = { owner_id: search.ownerId, name: search.name, search: JSON.stringify(search.search), saved_at: search.savedAt.getTime() };
    await this.db
      .insertInto('saved_searches')
      .values(values)
      .onConflict((oc) => oc.columns(['owner_id', 'name']).doUpdateSet({ search: values.search, saved_at: values.saved_at }))
      .execute();
  }

  async list(ownerId: string): Promise<SavedSearch[]> {
    const rows = await this.db.selectFrom('saved_searches').selectAll().where('owner_id', '=', ownerId).orderBy('name').execute();
    return rows.map(toSavedSearch);
  }

  async get(ownerId: string, name: string): Promise<SavedSearch | undefined> {
    const row = await this.db.selectFrom('saved_searches').selectAll().where('owner_id', '=', ownerId).where('name', '=', name).executeTakeFirst();
    return row ? toSavedSearch(row) : undefined;
  }

  async delete(ownerId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('saved_searches').where('owner_id', '=', ownerId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toSavedSearch(row: { owner_id: string; name: string; search: string; saved_at: number }): SavedSearch {
  return { ownerId: row.owner_id, name: row.name, search: JSON.parse(row.search) as UserSearch, savedAt: new Date(Number(row.saved_at)) };
}
