// The audit trail (audit table): one row per attempt, never a PIN.
import type { Kysely } from 'kysely';
import type { AuditLog, AuditOutcome, AuditRecord } from '../../../ports/store.js';
import type { AuditRow, Database } from '../schema.js';
import { prepared } from '../prepared.js';

/** Every turn appends one: built once (prepared.ts). */
const appendRow = prepared((db, at: number, actor: string, action: string, target: string | null, outcome: string, reason: string | null, requestId: string) =>
  db.insertInto('audit').values({ at, actor, action, target, outcome, reason, request_id: requestId }),
);

export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async append(record: AuditRecord): Promise<void> {
    const row = rowOf(record);
    await appendRow(this.db, row.at, row.actor, row.action, row.target, row.outcome, row.reason, row.request_id);
  }

  async resolve(pending: AuditRecord, outcome: AuditRecord): Promise<boolean> {
    // One row: the oldest still pending with the attempt's identity (a plain subquery, so any SQL dialect).
    const attempt = this.db
      .selectFrom('audit')
      .select((eb) => eb.fn.min('id').as('id'))
      .where('at', '=', pending.at.getTime())
      .where('actor', '=', pending.actor)
      .where('action', '=', pending.action)
      .where('target', pending.target === undefined ? 'is' : '=', pending.target ?? null)
      .where('request_id', '=', pending.requestId)
      .where('outcome', '=', 'pending');
    const result = await this.db
      .updateTable('audit')
      .set(rowOf(outcome))
      .where('id', '=', attempt)
      .where('outcome', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeBefore(before: Date, limit: number): Promise<number> {
    const oldest = this.db.selectFrom('audit').select('id').where('at', '<', before.getTime()).orderBy('at').limit(limit);
    const result = await this.db.deleteFrom('audit').where('id', 'in', oldest).executeTakeFirst();
    return Number(result.numDeletedRows);
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

function rowOf(record: AuditRecord): Omit<AuditRow, 'id'> {
  return {
    at: record.at.getTime(),
    actor: record.actor,
    action: record.action,
    target: record.target ?? null,
    outcome: record.outcome,
    reason: record.reason ?? null,
    request_id: record.requestId,
  };
}
