// Each user's 1:1 conversation reference per channel (conversations table), to reach them privately
// later.
import type { Kysely } from 'kysely';
import type { ConversationStore } from '../../../ports/store.js';
import type { Database } from '../schema.js';

/** Most conversation references remembered as already written (a write-skipping cache only). */
const WRITTEN_LIMIT = 10_000;

export class SqlConversationStore implements ConversationStore {
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
