// Each user's 1:1 conversation reference per channel (conversations table), to reach them privately
// later.
import type { Kysely } from 'kysely';
import type { ConversationStore } from '../../../ports/store.js';
import type { Database } from '../schema.js';

/** Most conversation references remembered as already written (a write-skipping cache only). */
const WRITTEN_LIMIT = 10_000;

export class SqlConversationStore implements ConversationStore {
  /**
   * What this process last wrote per user and channel: the same conversation is not written again.
   * Compared without the activity id, which every message changes and no later send uses (a
   * proactive message starts a turn of its own).
   */
  private readonly written = new Map<string, string>();

  constructor(private readonly db: Kysely<Database>) {}

  async savePersonal(userId: string, channelId: string, reference: unknown, at: Date): Promise<void> {
    const key = `${userId}\u0000${channelId}`;
    const json = JSON.stringify(reference);
    const address = addressOf(reference);
    if (this.written.get(key) === address) return;
    const values = { user_id: userId, channel_id: channelId, reference: json, updated_at: at.getTime() };
    await this.db
      .insertInto('conversations')
      .values(values)
      .onConflict((oc) => oc.columns(['user_id', 'channel_id']).doUpdateSet({ reference: values.reference, updated_at: values.updated_at }))
      .execute();
    if (this.written.size >= WRITTEN_LIMIT) this.written.clear();
    this.written.set(key, address);
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

/** The reference as the place it names: everything but the id of the message it came with. */
function addressOf(reference: unknown): string {
  if (!reference || typeof reference !== 'object') return JSON.stringify(reference);
  const { activityId: _activityId, ...address } = reference as Record<string, unknown>;
  return JSON.stringify(address);
}
