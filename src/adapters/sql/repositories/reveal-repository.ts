// Sealed PINs a card reveals to one addressee (reveals table), cleared once expired or shown.
import type { Kysely } from 'kysely';
import type { PostedCard, RevealEntry, RevealVault } from '../../../ports/store.js';
import type { Database, RevealRow } from '../schema.js';
import { prepared } from '../prepared.js';

// Written by every PIN set and its delivered card: built once (prepared.ts).
const insertReveal = prepared((db, id: string, addresseeId: string, targetId: string, sealed: string | null, details: string, createdAt: number, expiresAt: number, card: string | null) =>
  db.insertInto('reveals').values({ id, addressee_id: addresseeId, target_id: targetId, sealed, details, created_at: createdAt, expires_at: expiresAt, card, revealed_at: null }),
);
const updateCard = prepared((db, id: string, card: string) => db.updateTable('reveals').set({ card }).where('id', '=', id));

export class SqlRevealVault implements RevealVault {
  constructor(private readonly db: Kysely<Database>) {}

  async put(entry: RevealEntry): Promise<void> {
    const card = entry.card ? JSON.stringify(entry.card) : null;
    await insertReveal(this.db, entry.id, entry.addresseeId, entry.targetId, entry.sealed ?? null, JSON.stringify(entry.details), entry.createdAt.getTime(), entry.expiresAt.getTime(), card);
  }

  async get(id: string): Promise<RevealEntry | undefined> {
    const row = await this.db.selectFrom('reveals').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEntry(row) : undefined;
  }

  async openFor(addresseeId: string, now: Date, limit: number): Promise<RevealEntry[]> {
    const rows = await this.db
      .selectFrom('reveals')
      .selectAll()
      .where('addressee_id', '=', addresseeId)
      .where('expires_at', '>', now.getTime())
      .where('sealed', 'is not', null)
      // A PIN still waiting on a remote server's answer is not known to be set: not listed yet.
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('pin_intents').select('pin_intents.id').whereRef('pin_intents.reveal_id', '=', 'reveals.id'))))
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  async markRevealed(id: string, at: Date): Promise<void> {
    await this.db.updateTable('reveals').set({ revealed_at: at.getTime() }).where('id', '=', id).where('revealed_at', 'is', null).execute();
  }

  async attachCard(id: string, card: PostedCard): Promise<void> {
    // A card that was never posted has no place to remember (an empty update is not SQL).
    if (!card) throw new Error('attachCard needs the posted card');
    await updateCard(this.db, id, JSON.stringify(card));
  }

  async forget(id: string): Promise<void> {
    await this.db.updateTable('reveals').set({ sealed: null }).where('id', '=', id).execute();
  }

  async discard(id: string): Promise<void> {
    await this.db.deleteFrom('reveals').where('id', '=', id).execute();
  }

  async extend(id: string, expiresAt: Date): Promise<void> {
    await this.db.updateTable('reveals').set({ expires_at: expiresAt.getTime() }).where('id', '=', id).where('expires_at', '<', expiresAt.getTime()).execute();
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .updateTable('reveals')
      .set({ sealed: null })
      .where('expires_at', '<=', now.getTime())
      .where('sealed', 'is not', null)
      // A PIN whose change still waits for its outcome may yet be set: its sealed copy stays.
      .where('id', 'not in', this.db.selectFrom('pin_intents').select('reveal_id'))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function toEntry(row: RevealRow): RevealEntry {
  return {
    id: row.id,
    addresseeId: row.addressee_id,
    targetId: row.target_id,
    sealed: row.sealed ?? undefined,
    details: JSON.parse(row.details),
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
    card: row.card ? (JSON.parse(row.card) as PostedCard) : undefined,
    revealedAt: row.revealed_at === null ? undefined : new Date(Number(row.revealed_at)),
  };
}
