// The server's own timer runs the sweep: expired sealed PINs are deleted with nobody clicking.
// Only setInterval is faked (HTTP, SQLite and botbuilder keep their real timers); the PinDesk
// clock is the harness clock, moved by hand.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { action, cardOf, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
  vi.useRealTimers();
});

function sealed(ref: string): string | null {
  const db = new Database(path.join(h.dataDir, 'pindesk.sqlite'), { readonly: true });
  try {
    return (db.prepare('select sealed from reveals where id = ?').get(ref) as { sealed: string | null }).sealed;
  } finally {
    db.close();
  }
}

it('every 30 seconds the timer deletes sealed PINs past REVEAL_TTL', async () => {
  const turn = await h.emulator('pilar').say('set pin Ken Myer');
  const ref = action(cardOf(turn.sent[0]), 'Reveal PIN').data.ref as string;
  h.clock.advance(10 * 60_000 + 1);
  await vi.advanceTimersByTimeAsync(29_999);
  expect(sealed(ref)).toEqual(expect.any(String));
  await vi.advanceTimersByTimeAsync(1);
  await vi.waitFor(() => expect(sealed(ref)).toBeNull());
});
