// Questions PinDesk asked that one later click answers (continuations table), consumed by
// compare-and-set.
import type { Kysely } from 'kysely';
import type { Continuation, ContinuationStore, PostedCard } from '../../../ports/store.js';
import type { Database } from '../schema.js';
import { prepared } from '../prepared.js';

/** Written by every find and picker: built once (prepared.ts). */
const insertContinuation = prepared((db, id: string, actorId: string, kind: string, sealed: string, createdAt: number, expiresAt: number, usedAt: number | null, card: string | null) =>
  db.insertInto('continuations').values({ id, actor_id: actorId, kind, sealed, created_at: createdAt, expires_at: expiresAt, used_at: usedAt, card }),
);

export class SqlContinuationStore implements ContinuationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async put(c: Continuation): Promise<void> {
    const card = c.card ? JSON.stringify(c.card) : null;
    await insertContinuation(this.db, c.id, c.actorId, c.kind, c.sealed, c.createdAt.getTime(), c.expiresAt.getTime(), c.usedAt ? c.usedAt.getTime() : null, card);
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
