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
  RequestStore,
  ApprovalChannelStore,
  RateLimiter,
  CardAudience,
} from '../../ports/store.js';
import type { PinRequest, RequestKind, RequestState } from '../../domain/pin-request.js';
import type { PinRequestRow } from './schema.js';
import type { UserSearch } from '../../domain/user-search.js';
import type { Database } from './schema.js';

export class SqlStore implements Store {
  readonly policies: PolicyStore;
  readonly audit: AuditLog;
  readonly reveals: RevealVault;
  readonly continuations: ContinuationStore;
  readonly conversations: ConversationStore;
  readonly searches: SavedSearchStore;
  readonly requests: RequestStore;
  readonly approvalChannels: ApprovalChannelStore;
  readonly rateLimits: RateLimiter;

  constructor(readonly db: Kysely<Database>) {
    this.requests = new SqlRequestStore(db);
    this.approvalChannels = new SqlApprovalChannelStore(db);
    this.rateLimits = new SqlRateLimiter(db);
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

  async removePolicy(identity: PolicyIdentity): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pin_policies').where('identity', '=', identity).execute();
      if (identity.startsWith('tag:')) await tx.deleteFrom('policy_grants').where('tag', '=', identity.slice('tag:'.length)).execute();
    });
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

  async recent(filter: { actor?: string; target?: string; since?: Date; limit: number }): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('audit').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit);
    if (filter.actor) query = query.where('actor', '=', filter.actor);
    if (filter.target) query = query.where('target', '=', filter.target);
    if (filter.since) query = query.where('at', '>=', filter.since.getTime());
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

  async forget(id: string): Promise<void> {
    await this.db.updateTable('reveals').set({ sealed: null }).where('id', '=', id).execute();
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

/** Most conversation references remembered as already written (a write-skipping cache only). */
const WRITTEN_LIMIT = 10_000;

class SqlConversationStore implements ConversationStore {
  /** What this process last wrote per user and channel: the same reference is not written again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly db: Kysely<Database>) {}

  async savePersonal(userId: string, channelId: string, reference: unknown, at: Date): Promise<void> {
    const key = `${userId}\u0000${channelId}`;
    const json = JSON.stringify(reference);
    if (this.written.get(key) === json) return;
    const values = { user_id: userId, channel_id: channelId, reference: json, updated_at: at.getTime() };
    await this.db
      .insertInto('conversations')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'channel_id']).doUpdateSet({ reference: values.reference, updated_at: values.updated_at }))
      .execute();
    if (this.written.size >= WRITTEN_LIMIT) this.written.clear();
    this.written.set(key, json);
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

  async allPersonal(userId: string): Promise<unknown[]> {
    const rows = await this.db.selectFrom('conversations').select('reference').where('user_id', '=', userId).execute();
    return rows.map((row) => JSON.parse(row.reference));
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

class SqlRequestStore implements RequestStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(r: PinRequest): Promise<'created' | 'exists'> {
    try {
      await this.db
        .insertInto('pin_requests')
        .values({
          id: r.id,
          kind: r.kind,
          requester_id: r.requesterId,
          requester_name: r.requesterName,
          requester_upn: r.requesterUpn,
          reason: r.reason ?? null,
          state: r.state,
          created_at: r.createdAt.getTime(),
          expires_at: r.expiresAt.getTime(),
          decided_at: null,
          decided_by_id: null,
          decided_by_name: null,
          decision_note: null,
        })
        .execute();
      return 'created';
    } catch (error) {
      // The partial unique index allows one pending request per requester.
      if (/unique|duplicate/i.test(String((error as Error).message))) return 'exists';
      throw error;
    }
  }

  async get(id: string): Promise<PinRequest | undefined> {
    const row = await this.db.selectFrom('pin_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  async pendingOf(requesterId: string): Promise<PinRequest | undefined> {
    const row = await this.db.selectFrom('pin_requests').selectAll().where('requester_id', '=', requesterId).where('state', '=', 'pending').executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  async countSince(requesterId: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('pin_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('requester_id', '=', requesterId)
      .where('created_at', '>=', since.getTime())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async recentOf(requesterId: string, limit: number): Promise<PinRequest[]> {
    const rows = await this.db.selectFrom('pin_requests').selectAll().where('requester_id', '=', requesterId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toRequest);
  }

  async pending(now: Date, limit: number): Promise<PinRequest[]> {
    const rows = await this.db
      .selectFrom('pin_requests')
      .selectAll()
      .where('state', '=', 'pending')
      .where('expires_at', '>', now.getTime())
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toRequest);
  }

  async decide(id: string, to: Exclude<RequestState, 'pending'>, change: Pick<PinRequest, 'decidedAt' | 'decidedById' | 'decidedByName' | 'decisionNote'>, now: Date): Promise<boolean> {
    let query = this.db
      .updateTable('pin_requests')
      .set({
        state: to,
        decided_at: change.decidedAt ? change.decidedAt.getTime() : now.getTime(),
        decided_by_id: change.decidedById ?? null,
        decided_by_name: change.decidedByName ?? null,
        decision_note: change.decisionNote ?? null,
      })
      .where('id', '=', id)
      .where('state', '=', 'pending');
    // Only expiry may act on a request whose time is up.
    query = to === 'expired' ? query.where('expires_at', '<=', now.getTime()) : query.where('expires_at', '>', now.getTime());
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async expireDue(now: Date): Promise<PinRequest[]> {
    const due = await this.db.selectFrom('pin_requests').select('id').where('state', '=', 'pending').where('expires_at', '<=', now.getTime()).limit(500).execute();
    const expired: PinRequest[] = [];
    for (const { id } of due) {
      // Compare-and-set per request: several instances sweeping at once expire each one once.
      if (await this.decide(id, 'expired', { decidedAt: now }, now)) expired.push((await this.get(id))!);
    }
    return expired;
  }

  async addCard(requestId: string, audience: CardAudience, card: PostedCard): Promise<void> {
    await this.db.insertInto('request_cards').values({ request_id: requestId, audience, card: JSON.stringify(card) }).execute();
  }

  async cards(requestId: string): Promise<Array<{ audience: CardAudience; card: PostedCard }>> {
    const rows = await this.db.selectFrom('request_cards').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
    return rows.map((row) => ({ audience: row.audience as CardAudience, card: JSON.parse(row.card) as PostedCard }));
  }
}

function toRequest(row: PinRequestRow): PinRequest {
  const date = (value: number | null) => (value === null ? undefined : new Date(Number(value)));
  return {
    id: row.id,
    kind: row.kind as RequestKind,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    requesterUpn: row.requester_upn,
    reason: row.reason ?? undefined,
    state: row.state as RequestState,
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
    decidedAt: date(row.decided_at),
    decidedById: row.decided_by_id ?? undefined,
    decidedByName: row.decided_by_name ?? undefined,
    decisionNote: row.decision_note ?? undefined,
  };
}

class SqlApprovalChannelStore implements ApprovalChannelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async register(conversationId: string, channelId: string, reference: unknown, by: string, at: Date): Promise<void> {
    const values = { conversation_id: conversationId, channel_id: channelId, reference: JSON.stringify(reference), registered_by: by, registered_at: at.getTime() };
    await this.db
      .insertInto('approval_channels')
      .values(values)
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ reference: values.reference, registered_by: by, registered_at: values.registered_at }))
      .execute();
  }

  async unregister(conversationId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('approval_channels').where('conversation_id', '=', conversationId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(): Promise<Array<{ conversationId: string; channelId: string; reference: unknown }>> {
    const rows = await this.db.selectFrom('approval_channels').selectAll().orderBy('registered_at').execute();
    return rows.map((row) => ({ conversationId: row.conversation_id, channelId: row.channel_id, reference: JSON.parse(row.reference) }));
  }
}

class SqlRateLimiter implements RateLimiter {
  constructor(private readonly db: Kysely<Database>) {}

  async hit(key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
    const at = now.getTime();
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
      if (!row || Number(row.window_start) + windowMs <= at) {
        await tx
          .insertInto('rate_limits')
          .values({ key, window_start: at, count: 1 })
          .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: at, count: 1 }))
          .execute();
        return true;
      }
      if (row.count >= limit) return false;
      await tx.updateTable('rate_limits').set({ count: row.count + 1 }).where('key', '=', key).execute();
      return true;
    });
  }
}
