// Fixed-window hit counters shared by every instance (rate_limits table). One upsert per hit: the
// database starts a new window or counts on in the current one, atomically, on SQLite and
// PostgreSQL alike.
import { sql, type Kysely } from 'kysely';
import type { RateLimiter } from '../../../ports/store.js';
import type { Database } from '../schema.js';

export class SqlRateLimiter implements RateLimiter {
  constructor(private readonly db: Kysely<Database>) {}

  async hit(key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
    return (await this.take(key, limit, windowMs, now)).allowed;
  }

  async take(key: string, limit: number, windowMs: number, now: Date): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const at = now.getTime();
    // The current window is over when it started at or before `at - windowMs`.
    const expired = sql<boolean>`rate_limits.window_start <= ${at - windowMs}`;
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_start: at, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          window_start: sql<number>`case when ${expired} then ${at} else rate_limits.window_start end`,
          count: sql<number>`case when ${expired} then 1 else rate_limits.count + 1 end`,
        }),
      )
      .returning(['window_start', 'count'])
      .executeTakeFirstOrThrow();
    const allowed = Number(row.count) <= limit;
    return { allowed, retryAfterMs: allowed ? 0 : Math.max(0, Number(row.window_start) + windowMs - at) };
  }

  async purgeStale(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('rate_limits').where('window_start', '<', before.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
