// Key check values of the hashing and sealing keys the data was written with (key_checks table).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export class SqlKeyChecks {
  constructor(private readonly db: Kysely<Database>) {}

  async stored(purpose: string): Promise<string[]> {
    const rows = await this.db.selectFrom('key_checks').select('check_value').where('purpose', '=', purpose).execute();
    return rows.map((r) => r.check_value);
  }

  async any(): Promise<boolean> {
    return (await this.db.selectFrom('key_checks').select('purpose').limit(1).executeTakeFirst()) !== undefined;
  }

  async record(purpose: string, checkValue: string, at: Date): Promise<void> {
    await this.db
      .insertInto('key_checks')
      .values({ purpose, check_value: checkValue, first_used_at: at.getTime() })
      .onConflict((conflict) => conflict.columns(['purpose', 'check_value']).doNothing())
      .execute();
  }

  async forget(purpose: string, checkValues: readonly string[]): Promise<void> {
    if (checkValues.length === 0) return;
    await this.db.deleteFrom('key_checks').where('purpose', '=', purpose).where('check_value', 'in', [...checkValues]).execute();
  }
}
