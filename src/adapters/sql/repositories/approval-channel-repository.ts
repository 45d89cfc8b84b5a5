// Conversations where approval cards are posted (approval_channels table).
import type { Kysely } from 'kysely';
import type { ApprovalChannelStore } from '../../../ports/store.js';
import type { Database } from '../schema.js';

export class SqlApprovalChannelStore implements ApprovalChannelStore {
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
