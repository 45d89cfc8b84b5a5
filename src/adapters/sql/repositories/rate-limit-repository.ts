// Fixed-window hit counters shared by every instance (rate_limits table).
import type { Kysely } from 'kysely';
import type { RateLimiter } from '../../../ports/store.js';
import type { Database } from '../schema.js';
import { inTransaction } from '../in-transaction.js';

export class SqlRateLimiter implements RateLimiter {
  constructor(private readonly db: Kysely<Database>) {}

  async hit(key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
    const at = now.getTime();
    return inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
      if (!row || Number(row.window_start) + windowMs <= at) {
        await tx
          .insertInto('rate_limits')
          .values({ key, window_start: at, count: 1 })
          .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: at, count: 1 }))
          .execute();
        return true;
      }
      if (row.count >= limit) return false;
      await tx.updateTable('rate_limits').set({ count: row.count + 1 }).where('key', '=', key).execute();
      return true;
    });
  }
}
