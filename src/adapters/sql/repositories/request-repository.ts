// Self-service PIN requests (pin_requests) with their compare-and-set decisions and expiry, and the
// cards posted about them (request_cards).
import { sql, type Kysely } from 'kysely';
import type { PinRequest, RequestKind, RequestState } from '../../../domain/pin-request.js';
import type { CardAudience, PostedCard, RequestStore } from '../../../ports/store.js';
import type { Database, PinRequestRow } from '../schema.js';

export class SqlRequestStore implements RequestStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(r: PinRequest): Promise<'created' | 'exists'> {
    // The partial unique index allows one pending request per requester. A conflict with it inserts
    // nothing (rather than failing: on PostgreSQL a failed statement spoils the transaction it is in).
    const result = await this.db
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
      .onConflict((oc) => oc.column('requester_id').where(sql.ref('state'), '=', sql.lit('pending')).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows) === 1 ? 'created' : 'exists';
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

  async reopen(id: string, decidedAt: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('pin_requests')
      .set({ state: 'pending', decided_at: null, decided_by_id: null, decided_by_name: null, decision_note: null })
      .where('id', '=', id)
      .where('state', '=', 'approved')
      .where('decided_at', '=', decidedAt.getTime())
      // The requester asked again meanwhile: one pending request each, so this one stays decided.
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('pin_requests as other').select('other.id').whereRef('other.requester_id', '=', 'pin_requests.requester_id').where('other.state', '=', 'pending'))),
      )
      .executeTakeFirst();
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
