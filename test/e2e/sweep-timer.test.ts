// The server's own timer runs the sweep: expired sealed PINs are deleted with nobody clicking.
// Only setInterval is faked (HTTP, the store and botbuilder keep their real timers); the PinDesk
// clock is the harness clock, moved by hand. On SQLite and PostgreSQL.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { action, cardOf, startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

async function sealed(ref: string): Promise<string | null> {
  const rows = await h.rows('select sealed from reveals where id = ?', ref);
  expect(rows).toHaveLength(1);
  return rows[0].sealed;
}

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    // The database is made before the timers are faked: only the server's own intervals are.
    const env = await databaseEnv(dialect);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await startHarness(env);
  });
  afterEach(async () => {
    await h?.stop();
    vi.useRealTimers();
  });

  it('every 30 seconds the timer deletes sealed PINs past REVEAL_TTL', async () => {
    const turn = await h.emulator('pilar').say('set pin Ken Myer');
    const ref = action(cardOf(turn.sent[0]), 'Reveal PIN').data.ref as string;
    h.clock.advance(10 * 60_000 + 1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(await sealed(ref)).toEqual(expect.any(String));
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(async () => expect(await sealed(ref)).toBeNull());
  });
});
