// One row rewritten to find out whether the store can write right now (start-up, /readyz).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function probeWrite(db: Kysely<Database>, at: Date): Promise<void> {
  await db
    .insertInto('write_probe')
    .values({ id: 1, at: at.getTime() })
    .onConflict((conflict) => conflict.column('id').doUpdateSet({ at: at.getTime() }))
    .execute();
}
