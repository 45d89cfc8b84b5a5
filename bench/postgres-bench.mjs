// The chat scenarios on PostgreSQL (a throwaway local cluster, bench/postgres.mjs): one PinDesk on
// it, then two PinDesk processes on one database behind the load generator (round-robin, nothing
// sticky), with their combined throughput. Same directory, connector and load as the SQLite rows.
import { randomBytes } from 'node:crypto';
import { load } from './harness.mjs';
import { startPostgres } from './postgres.mjs';

/** The scenarios the one-transaction-per-use-case targets name. */
export const TARGET_SCENARIOS = ['pin status', 'set pin', 'find user'];

/**
 * `scenarios`: [name, body] pairs; `measure(servers, row, options)` records a row; `pindesk(env)`
 * starts an instance. Returns { single: {scenario: {c1, c32}}, pair: {scenario: c32} } or a note.
 */
export async function benchPostgres({ scenarios, measure, pindesk, directory, N, notes }) {
  const cluster = await startPostgres().catch((error) => {
    notes.push(`PostgreSQL could not be started (${error.message}): its rows were not measured.`);
    return null;
  });
  if (cluster === undefined) notes.push('PostgreSQL server binaries were not found (PG_BIN, /usr/lib/postgresql/*/bin, pg_config): its rows were not measured.');
  if (!cluster) return undefined;
  // Every instance on one database holds the same keys (the database keeps their check values).
  const keys = { PIN_HASH_KEY: randomBytes(32).toString('base64'), PIN_SEAL_KEY: randomBytes(32).toString('base64') };
  const single = {};
  const pair = {};
  try {
    const env = { DATABASE_URL: await cluster.createDatabase(), DIRECTORY_FILE: directory, ...keys };
    console.error('PinDesk on PostgreSQL (one instance)');
    const one = await pindesk(env);
    for (const [scenario, body] of scenarios) {
      await load({ url: `${one.url}/api/messages`, count: N.warm, concurrency: 32, body });
      single[scenario] = {
        c1: await measure([one], { target: 'PinDesk PostgreSQL', scenario }, { count: N.c1, concurrency: 1, body }),
        c32: await measure([one], { target: 'PinDesk PostgreSQL', scenario }, { count: N.c32, concurrency: 32, body }),
      };
    }
    await one.stop();
    console.error('two PinDesk instances on one PostgreSQL (round-robin)');
    const both = [await pindesk(env), await pindesk(env)];
    for (const [scenario, body] of scenarios) {
      await load({ url: both.map((s) => `${s.url}/api/messages`), count: N.warm, concurrency: 32, body });
      pair[scenario] = await measure(both, { target: 'PinDesk PostgreSQL × 2', scenario }, { count: N.c32, concurrency: 32, body });
    }
    await Promise.all(both.map((s) => s.stop()));
  } finally {
    cluster.stop();
  }
  return { single, pair };
}
