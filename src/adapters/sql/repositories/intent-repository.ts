// Intents of remote PIN changes (pin_intents): recorded before the server call, removed by the one
// caller who records the outcome. Claims and removals are compare-and-set, so two sweeps (in one
// process or several) never both act on one intent.
import type { Kysely } from 'kysely';
import type { AuditRecord, IntentStore, PinIntent } from '../../../ports/store.js';
import type { Database, PinIntentRow } from '../schema.js';

export class SqlIntentStore implements IntentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(intent: PinIntent): Promise<void> {
    await this.db
      .insertInto('pin_intents')
      .values({
        id: intent.id,
        target_id: intent.targetId,
        target_sip: intent.targetSip ?? null,
        target_name: intent.targetName,
        addressee_id: intent.addresseeId,
        reveal_id: intent.revealId,
        delivery_id: intent.deliveryId ?? null,
        audit: intent.audit ? JSON.stringify({ ...intent.audit, at: intent.audit.at.getTime() }) : null,
        before_mark: intent.before,
        created_at: intent.createdAt.getTime(),
        settle_by: intent.settleBy.getTime(),
        claimed_by: null,
        claimed_until: null,
      })
      .execute();
  }

  async openFor(targetId: string): Promise<boolean> {
    const row = await this.db.selectFrom('pin_intents').select('id').where('target_id', '=', targetId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async get(id: string): Promise<PinIntent | undefined> {
    const row = await this.db.selectFrom('pin_intents').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toIntent(row) : undefined;
  }

  async due(now: Date, limit: number): Promise<string[]> {
    const at = now.getTime();
    const rows = await this.db
      .selectFrom('pin_intents')
      .select('id')
      .where('settle_by', '<=', at)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
      .orderBy('settle_by')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async claim(id: string, token: string, now: Date, leaseMs: number): Promise<PinIntent | undefined> {
    const at = now.getTime();
    const result = await this.db
      .updateTable('pin_intents')
      .set({ claimed_by: token, claimed_until: at + leaseMs })
      .where('id', '=', id)
      .where('settle_by', '<=', at)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', at)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.get(id);
  }

  async settle(id: string, token: string | undefined): Promise<boolean> {
    const result = await this.db
      .deleteFrom('pin_intents')
      .where('id', '=', id)
      .where('claimed_by', token === undefined ? 'is' : '=', token ?? null)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}

function toIntent(row: PinIntentRow): PinIntent {
  const audit = row.audit ? (JSON.parse(row.audit) as Omit<AuditRecord, 'at'> & { at: number }) : undefined;
  return {
    id: row.id,
    targetId: row.target_id,
    targetSip: row.target_sip ?? undefined,
    targetName: row.target_name,
    addresseeId: row.addressee_id,
    revealId: row.reveal_id,
    deliveryId: row.delivery_id ?? undefined,
    audit: audit ? { ...audit, at: new Date(audit.at) } : undefined,
    before: row.before_mark,
    createdAt: new Date(Number(row.created_at)),
    settleBy: new Date(Number(row.settle_by)),
  };
}
