// Hot statements built and compiled once, then run with new values. Kysely builds and compiles
// every query anew (about 20 µs each, more than SQLite takes to run most of ours); a `set pin`
// turn runs a dozen. The query is the same Kysely query on SQLite and PostgreSQL, compiled once per
// dialect by the database at hand; values never become SQL text (they stay parameters).
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Stands for the n-th value while the statement is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  query: CompiledQuery;
  /** Per parameter: the slot whose value it takes, or -1 for a constant kept as compiled. */
  slots: number[];
  /** How many values the statement takes. */
  arity: number;
}

/**
 * `build` receives stand-ins for its values and must pass each only as a value (in `values`,
 * `set`, `where`, `limit`), never look at it: it runs once per dialect. Values must not be
 * `undefined` (Kysely leaves such columns out; here they would be bound) — use null.
 */
export function prepared<A extends unknown[], R>(build: (db: Kysely<Database>, ...values: A) => Compilable<R>): (db: Kysely<Database>, ...values: A) => Promise<QueryResult<R>> {
  // One per dialect: transactions share their database's adapter.
  const templates = new WeakMap<object, Template>();
  return async (db, ...values) => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      const stand = Array.from({ length: build.length - 1 }, (_, i) => new Slot(i)) as unknown as A;
      const query = build(db, ...stand).compile() as CompiledQuery;
      template = { query, slots: query.parameters.map((p) => (p instanceof Slot ? p.index : -1)), arity: stand.length };
      // A value the build never placed (ignored, or shifted by a default or rest parameter) would bind wrongly: refuse it.
      if (new Set(template.slots.filter((slot) => slot >= 0)).size !== stand.length) throw new Error('prepared: each value must reach the statement as a parameter (none ignored; no default or rest parameters in build)');
      templates.set(adapter, template);
    }
    const { query, slots, arity } = template;
    if (values.length !== arity) throw new Error(`prepared: ${arity} values expected, ${values.length} given`);
    const parameters = slots.map((slot, i) => (slot < 0 ? query.parameters[i] : values[slot]));
    return db.executeQuery<R>({ ...query, parameters });
  };
}
