// The PIN-card outbox (deliveries table): written with the PIN change (held back while a remote
// server has not answered), claimed by compare-and-set on a lease so that one sender — in one
// process or several — sends each card at a time.
import type { Kysely } from 'kysely';
import type { Delivery, DeliveryNotice, DeliveryOutbox, DeliveryState } from '../../../ports/store.js';
import type { Database, DeliveryRow } from '../schema.js';
import { prepared } from '../prepared.js';

// Written by every PIN set and its delivered card: built once (prepared.ts).
const insertDelivery = prepared(
  (db, id: string, revealId: string, addresseeId: string, conversation: string, channelId: string, requestId: string | null, state: string, attempts: number, createdAt: number, leaseUntil: number | null, expiresAt: number) =>
    db.insertInto('deliveries').values({
      id,
      reveal_id: revealId,
      addressee_id: addresseeId,
      conversation,
      channel_id: channelId,
      request_id: requestId,
      state,
      attempts,
      next_attempt_at: createdAt,
      lease_until: leaseUntil,
      expires_at: expiresAt,
      last_error: null,
      activity_id: null,
      created_at: createdAt,
      delivered_at: null,
      notice: null,
    }),
);
const markDelivered = prepared((db, id: string, activityId: string, at: number) =>
  db.updateTable('deliveries').set({ state: 'delivered', activity_id: activityId, delivered_at: at, lease_until: null, last_error: null }).where('id', '=', id),
);

/** Longest error text kept (a connector's message, never a PIN). */
const ERROR_LIMIT = 300;

export class SqlDeliveryOutbox implements DeliveryOutbox {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(delivery: Parameters<DeliveryOutbox['enqueue']>[0]): Promise<void> {
    await insertDelivery(
      this.db,
      delivery.id,
      delivery.revealId,
      delivery.addresseeId,
      JSON.stringify(delivery.conversation),
      delivery.channelId,
      delivery.requestId ?? null,
      delivery.held ? 'held' : 'pending',
      delivery.leaseUntil ? 1 : 0,
      delivery.createdAt.getTime(),
      delivery.leaseUntil ? delivery.leaseUntil.getTime() : null,
      delivery.expiresAt.getTime(),
    );
  }

  async release(id: string, now: Date, expiresAt?: Date): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ state: 'pending', next_attempt_at: now.getTime(), ...(expiresAt ? { expires_at: expiresAt.getTime() } : {}) })
      .where('id', '=', id)
      .where('state', '=', 'held')
      .execute();
  }

  async releaseAsNotice(id: string, notice: DeliveryNotice, now: Date, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ state: 'pending', notice, next_attempt_at: now.getTime(), expires_at: expiresAt.getTime() })
      .where('id', '=', id)
      .where('state', '=', 'held')
      .execute();
  }

  async drop(id: string): Promise<void> {
    await this.db.deleteFrom('deliveries').where('id', '=', id).where('state', '=', 'held').execute();
  }

  async get(id: string): Promise<Delivery | undefined> {
    const row = await this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async ofReveal(revealId: string): Promise<Delivery | undefined> {
    const row = await this.db.selectFrom('deliveries').selectAll().where('reveal_id', '=', revealId).orderBy('created_at', 'desc').executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async claim(id: string, now: Date, leaseMs: number, due: 'due-only' | 'now' = 'due-only'): Promise<Delivery | undefined> {
    const at = now.getTime();
    let query = this.db
      .updateTable('deliveries')
      .set((eb) => ({ lease_until: at + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('expires_at', '>', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]));
    if (due === 'due-only') query = query.where('next_attempt_at', '<=', at);
    // The claimed row comes back with the claim (RETURNING: SQLite ≥ 3.35 and PostgreSQL).
    const row = await query.returningAll().executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async renew(id: string, attempt: number, now: Date, leaseMs: number): Promise<boolean> {
    const at = now.getTime();
    const result = await this.db
      .updateTable('deliveries')
      .set({ lease_until: at + leaseMs })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('attempts', '=', attempt)
      .where('lease_until', '>', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async due(now: Date, limit: number): Promise<string[]> {
    const at = now.getTime();
    const rows = await this.db
      .selectFrom('deliveries')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .where('expires_at', '>', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async delivered(id: string, activityId: string, at: Date): Promise<void> {
    await markDelivered(this.db, id, activityId, at.getTime());
  }

  async retryLater(id: string, nextAttemptAt: Date, error: string, attempt?: number): Promise<void> {
    let query = this.db
      .updateTable('deliveries')
      .set({ next_attempt_at: nextAttemptAt.getTime(), lease_until: null, last_error: error.slice(0, ERROR_LIMIT) })
      .where('id', '=', id)
      .where('state', '=', 'pending');
    // Each claim counts a try: another count means another sender holds the record now.
    if (attempt !== undefined) query = query.where('attempts', '=', attempt);
    await query.execute();
  }

  async failed(id: string, error: string, attempt?: number): Promise<void> {
    let query = this.db.updateTable('deliveries').set({ state: 'failed', lease_until: null, last_error: error.slice(0, ERROR_LIMIT) }).where('id', '=', id).where('state', '=', 'pending');
    if (attempt !== undefined) query = query.where('attempts', '=', attempt);
    await query.execute();
  }

  async expireDue(now: Date): Promise<Delivery[]> {
    const at = now.getTime();
    const due = await this.db.selectFrom('deliveries').select('id').where('state', '=', 'pending').where('expires_at', '<=', at).limit(500).execute();
    const expired: Delivery[] = [];
    for (const { id } of due) {
      // Compare-and-set per delivery: several sweepers expire each one once.
      const result = await this.db.updateTable('deliveries').set({ state: 'expired', lease_until: null }).where('id', '=', id).where('state', '=', 'pending').executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) expired.push((await this.get(id))!);
    }
    return expired;
  }
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    revealId: row.reveal_id,
    addresseeId: row.addressee_id,
    conversation: JSON.parse(row.conversation),
    channelId: row.channel_id,
    requestId: row.request_id ?? undefined,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(Number(row.next_attempt_at)),
    expiresAt: new Date(Number(row.expires_at)),
    lastError: row.last_error ?? undefined,
    activityId: row.activity_id ?? undefined,
    createdAt: new Date(Number(row.created_at)),
    notice: (row.notice as DeliveryNotice | null) ?? undefined,
    leaseUntil: row.lease_until === null ? undefined : new Date(Number(row.lease_until)),
  };
}
