// The request-notice outbox (request_notices): written with a request's change, claimed by
// compare-and-set on a lease and a token, so that one sender — in one process or several — carries
// each notice at a time, and only the holder records how its try ended.
import type { Kysely } from 'kysely';
import type { NoticeChange, NoticeState, RequestNotice, RequestNoticeStore } from '../../../ports/request-notice-store.js';
import type { Database, RequestNoticeRow } from '../schema.js';

/** Longest error text kept (a connector's status or message, never a PIN). */
const ERROR_LIMIT = 300;

export class SqlRequestNoticeStore implements RequestNoticeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(notice: Parameters<RequestNoticeStore['record']>[0]): Promise<void> {
    await this.db
      .insertInto('request_notices')
      .values({
        id: notice.id,
        request_id: notice.requestId,
        change: notice.change,
        state: 'pending',
        attempts: 0,
        next_attempt_at: notice.nextAttemptAt.getTime(),
        give_up_at: notice.giveUpAt.getTime(),
        leased_until: null,
        lease_token: null,
        note_sent_at: null,
        dropped: '[]',
        last_error: null,
        created_at: notice.createdAt.getTime(),
      })
      .execute();
  }

  async withdraw(requestId: string, change: NoticeChange): Promise<void> {
    await this.db.deleteFrom('request_notices').where('request_id', '=', requestId).where('change', '=', change).where('state', '=', 'pending').execute();
  }

  async pendingOf(requestId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('request_notices').select('id').where('request_id', '=', requestId).where('state', '=', 'pending').orderBy('created_at').execute();
    return rows.map((row) => row.id);
  }

  async due(now: Date, limit: number): Promise<string[]> {
    const at = now.getTime();
    const rows = await this.db
      .selectFrom('request_notices')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', at)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async claim(id: string, token: string, now: Date, leaseMs: number, when: 'due-only' | 'now'): Promise<RequestNotice | undefined> {
    const at = now.getTime();
    let query = this.db
      .updateTable('request_notices')
      .set((eb) => ({ leased_until: at + leaseMs, lease_token: token, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<=', at)]));
    if (when === 'due-only') query = query.where('next_attempt_at', '<=', at);
    const row = await query.returningAll().executeTakeFirst();
    return row ? toNotice(row) : undefined;
  }

  async hold(id: string, token: string, now: Date, leaseMs: number): Promise<boolean> {
    const at = now.getTime();
    const result = await this.db
      .updateTable('request_notices')
      .set({ leased_until: at + leaseMs })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('lease_token', '=', token)
      .where('leased_until', '>', at)
      .where('note_sent_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async noteSent(id: string, token: string, at: Date): Promise<void> {
    await this.db.updateTable('request_notices').set({ note_sent_at: at.getTime() }).where('id', '=', id).where('lease_token', '=', token).execute();
  }

  async release(id: string, token: string, outcome: { state: NoticeState; nextAttemptAt?: Date; error?: string; dropped: string[] }): Promise<boolean> {
    const result = await this.db
      .updateTable('request_notices')
      .set({
        state: outcome.state,
        leased_until: null,
        lease_token: null,
        dropped: JSON.stringify(outcome.dropped),
        last_error: outcome.error?.slice(0, ERROR_LIMIT) ?? null,
        ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt.getTime() } : {}),
      })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeEnded(before: Date, limit: number): Promise<number> {
    const ended = await this.db.selectFrom('request_notices').select('id').where('state', 'in', ['done', 'failed']).where('created_at', '<', before.getTime()).limit(limit).execute();
    if (ended.length === 0) return 0;
    const result = await this.db.deleteFrom('request_notices').where('id', 'in', ended.map((row) => row.id)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deliveryOf(requestId: string): Promise<{ state: string; notice: boolean } | undefined> {
    const row = await this.db.selectFrom('deliveries').select(['state', 'notice']).where('request_id', '=', requestId).orderBy('created_at', 'desc').executeTakeFirst();
    return row ? { state: row.state, notice: row.notice !== null } : undefined;
  }
}

function toNotice(row: RequestNoticeRow): RequestNotice {
  return {
    id: row.id,
    requestId: row.request_id,
    change: row.change as NoticeChange,
    state: row.state as NoticeState,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(Number(row.next_attempt_at)),
    giveUpAt: new Date(Number(row.give_up_at)),
    leaseToken: row.lease_token ?? undefined,
    noteSentAt: row.note_sent_at === null ? undefined : new Date(Number(row.note_sent_at)),
    dropped: JSON.parse(row.dropped) as string[],
    lastError: row.last_error ?? undefined,
    createdAt: new Date(Number(row.created_at)),
  };
}
