// Statements compiled once per dialect and run with new values: the values stay parameters (a value
// that looks like SQL is stored as text), the same statement serves SQLite and PostgreSQL, and a
// build whose values cannot all be placed is refused instead of binding them to the wrong slots.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { prepared } from '../../src/adapters/sql/prepared.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

const appendAudit = prepared((db, at: number, actor: string, reason: string) =>
  db.insertInto('audit').values({ at, actor, action: 'test', target: 'sip:x', outcome: 'ok', reason, request_id: 'r1' }),
);
const reasonsOf = prepared((db, actor: string) => db.selectFrom('audit').select('reason').where('actor', '=', actor).orderBy('id'));

eachStoreDialect((dialect) => {
  let store: SqlStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
  });
  afterEach(async () => cleanup());

  it('runs with new values each time, as parameters', async () => {
    await appendAudit(store.db, 1, 'eve', "x'); drop table audit; --");
    await appendAudit(store.db, 2, 'eve', 'second');
    await appendAudit(store.db, 3, 'bob', 'other');
    expect((await reasonsOf(store.db, 'eve')).rows).toEqual([{ reason: "x'); drop table audit; --" }, { reason: 'second' }]);
    // Inside a transaction too (the same compiled statement).
    await store.db.transaction().execute(async (tx) => appendAudit(tx, 4, 'eve', 'in a transaction'));
    expect((await reasonsOf(store.db, 'eve')).rows).toHaveLength(3);
  });

  it('refuses a build that leaves a value out or hides one in a default, and a call with the wrong number of values', async () => {
    const ignoring = prepared((db, actor: string, _reason: string) => db.selectFrom('audit').select('id').where('actor', '=', actor));
    await expect(ignoring(store.db, 'eve', 'x')).rejects.toThrow(/each value must reach the statement as a parameter/);
    const withDefault = prepared((db, actor: string, reason: string = 'none') => db.selectFrom('audit').select('id').where('actor', '=', actor).where('reason', '=', reason));
    await expect(withDefault(store.db, 'eve', 'x')).rejects.toThrow(/1 values expected, 2 given/);
    await expect((reasonsOf as (...a: unknown[]) => Promise<unknown>)(store.db, 'eve', 'extra')).rejects.toThrow(/1 values expected, 2 given/);
  });
});
