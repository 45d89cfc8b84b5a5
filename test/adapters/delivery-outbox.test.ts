// The deliveries table on real SQLite and PostgreSQL: a claim is a compare-and-set on the state, the
// lease, the due time and the reveal's end, each at its exact boundary; a finished record is never
// reopened.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
const T0 = Date.parse('2026-11-27T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const LEASE = 30_000;

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
  });
  afterEach(async () => cleanup());

  async function enqueue(id: string, createdAt = 0, expiresAt = 15 * 60_000, requestId?: string): Promise<void> {
    await store.deliveries.enqueue({ id, revealId: `r-${id}`, addresseeId: 'a', conversation: { conversation: { id: 'c' } }, channelId: 'emulator', requestId, createdAt: at(createdAt), expiresAt: at(expiresAt) });
  }

  describe('a claim', () => {
    it('takes a pending record once per lease, counting the tries; the lease ends at its exact time', async () => {
      await enqueue('d1');
      const claimed = await store.deliveries.claim('d1', at(0), LEASE);
      expect(claimed).toMatchObject({ id: 'd1', state: 'pending', attempts: 1, revealId: 'r-d1', requestId: undefined, conversation: { conversation: { id: 'c' } } });
      expect(await store.deliveries.claim('d1', at(LEASE - 1), LEASE, 'now')).toBeUndefined();
      expect((await store.deliveries.claim('d1', at(LEASE), LEASE))?.attempts).toBe(2);
      expect(await store.deliveries.claim('nobody', at(LEASE * 3), LEASE)).toBeUndefined();
    });

    it('only when due, unless asked for now; never once the reveal has ended', async () => {
      await enqueue('d1', 5_000, 60_000);
      expect(await store.deliveries.claim('d1', at(4_999), LEASE)).toBeUndefined();
      expect(await store.deliveries.claim('d1', at(4_999), LEASE, 'now')).toBeDefined();
      await store.deliveries.retryLater('d1', at(50_000), 'busy');
      expect(await store.deliveries.claim('d1', at(49_999), LEASE)).toBeUndefined();
      expect(await store.deliveries.claim('d1', at(50_000), LEASE)).toBeDefined();
      await store.deliveries.retryLater('d1', at(55_000), 'busy');
      expect(await store.deliveries.claim('d1', at(60_000), LEASE, 'now')).toBeUndefined();
      expect(await store.deliveries.claim('d1', at(59_999), LEASE, 'now')).toBeDefined();
    });

    it('a sender whose lease was taken over changes nothing: the new holder keeps its lease', async () => {
      await enqueue('d1');
      const stale = await store.deliveries.claim('d1', at(0), LEASE);
      const holder = await store.deliveries.claim('d1', at(LEASE), LEASE);
      expect([stale?.attempts, holder?.attempts]).toEqual([1, 2]);
      // The first sender's post fails late: neither a retry nor a refusal ends the second's lease.
      await store.deliveries.retryLater('d1', at(LEASE + 1), 'timeout', stale!.attempts);
      await store.deliveries.failed('d1', '403', stale!.attempts);
      expect(await store.deliveries.claim('d1', at(2 * LEASE - 1), LEASE, 'now')).toBeUndefined();
      expect(await store.deliveries.get('d1')).toMatchObject({ state: 'pending', lastError: undefined });
      // The holder's own outcome counts.
      await store.deliveries.retryLater('d1', at(LEASE + 2_000), 'timeout', holder!.attempts);
      expect((await store.deliveries.claim('d1', at(LEASE + 2_000), LEASE))?.attempts).toBe(3);
    });

    it('is renewed by its holder while it lasts; never after it ended, by a former holder, or once delivered', async () => {
      await enqueue('d1');
      await store.deliveries.claim('d1', at(0), LEASE);
      expect(await store.deliveries.renew('d1', 1, at(LEASE - 1), LEASE)).toBe(true);
      // Renewed: nobody claims it at the first lease's end, and it ends a lease after the renewal.
      expect(await store.deliveries.claim('d1', at(LEASE), LEASE)).toBeUndefined();
      expect(await store.deliveries.renew('d1', 1, at(2 * LEASE - 1), LEASE)).toBe(false);
      expect(await store.deliveries.renew('d1', 1, at(2 * LEASE - 1 + LEASE), LEASE)).toBe(false);
      const taken = await store.deliveries.claim('d1', at(2 * LEASE - 1), LEASE);
      expect(taken?.attempts).toBe(2);
      // The former holder (attempt 1) cannot take the lease back; the new one can keep it.
      expect(await store.deliveries.renew('d1', 1, at(2 * LEASE), LEASE)).toBe(false);
      expect(await store.deliveries.renew('d1', 2, at(2 * LEASE), LEASE)).toBe(true);
      await store.deliveries.delivered('d1', 'activity-1', at(2 * LEASE + 1));
      expect(await store.deliveries.renew('d1', 2, at(2 * LEASE + 2), LEASE)).toBe(false);
    });

    it('never of a record delivered, failed or expired', async () => {
      for (const id of ['d1', 'd2', 'd3']) await enqueue(id);
      await store.deliveries.delivered('d1', 'act', at(1));
      await store.deliveries.failed('d2', 'blocked');
      await store.db.updateTable('deliveries').set({ state: 'expired' }).where('id', '=', 'd3').execute();
      for (const id of ['d1', 'd2', 'd3']) expect(await store.deliveries.claim(id, at(2), LEASE, 'now')).toBeUndefined();
      expect(await store.deliveries.due(at(LEASE * 2), 10)).toEqual([]);
    });
  });

  it('lists what is due, oldest try first, not leased, not past its reveal, up to the limit', async () => {
    await enqueue('late', 3_000);
    await enqueue('early', 1_000);
    await enqueue('leased', 0);
    await enqueue('future', 9_000);
    await enqueue('gone', 0, 3_000);
    await store.deliveries.claim('leased', at(0), LEASE);
    expect(await store.deliveries.due(at(3_000), 10)).toEqual(['early', 'late']);
    expect(await store.deliveries.due(at(2_999), 10)).toEqual(['gone', 'early']);
    expect(await store.deliveries.due(at(3_000), 1)).toEqual(['early']);
    expect(await store.deliveries.due(at(LEASE), 10)).toEqual(['leased', 'early', 'late', 'future']);
  });

  it('a retry ends the lease and keeps a bounded error; a finished record stays finished', async () => {
    await enqueue('d1');
    await store.deliveries.claim('d1', at(0), LEASE);
    await store.deliveries.retryLater('d1', at(2_000), 'x'.repeat(500));
    const row = await store.db.selectFrom('deliveries').selectAll().where('id', '=', 'd1').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ lease_until: null, next_attempt_at: T0 + 2_000, state: 'pending' });
    expect(row.last_error).toHaveLength(300);
    expect(await store.deliveries.due(at(2_000), 10)).toEqual(['d1']);

    await store.deliveries.delivered('d1', 'act-1', at(3_000));
    await store.deliveries.retryLater('d1', at(9_000), 'late retry');
    await store.deliveries.failed('d1', 'late failure');
    expect(await store.deliveries.get('d1')).toMatchObject({ state: 'delivered', activityId: 'act-1', lastError: undefined, nextAttemptAt: at(2_000) });

    await enqueue('d2');
    await store.deliveries.failed('d2', 'y'.repeat(400));
    expect((await store.deliveries.get('d2'))?.lastError).toHaveLength(300);
  });

  it('finds the newest record of a reveal', async () => {
    await store.deliveries.enqueue({ id: 'old', revealId: 'r', addresseeId: 'a', conversation: {}, channelId: 'emulator', requestId: 'q1', createdAt: at(0), expiresAt: at(60_000) });
    await store.deliveries.enqueue({ id: 'new', revealId: 'r', addresseeId: 'a', conversation: {}, channelId: 'emulator', createdAt: at(1_000), expiresAt: at(60_000) });
    expect((await store.deliveries.ofReveal('r'))?.id).toBe('new');
    expect((await store.deliveries.get('old'))?.requestId).toBe('q1');
    expect(await store.deliveries.ofReveal('none')).toBeUndefined();
  });

  it('expires pending records at the end of their reveal, each once, whoever sweeps', async () => {
    await enqueue('d1', 0, 10_000);
    await enqueue('d2', 0, 20_000);
    await enqueue('done', 0, 10_000);
    await store.deliveries.delivered('done', 'act', at(1));
    expect(await store.deliveries.expireDue(at(9_999))).toEqual([]);
    const [a, b] = await Promise.all([store.deliveries.expireDue(at(10_000)), store.deliveries.expireDue(at(10_000))]);
    expect([...a, ...b].map((d) => [d.id, d.state])).toEqual([['d1', 'expired']]);
    expect((await store.deliveries.get('done'))?.state).toBe('delivered');
    expect((await store.deliveries.get('d2'))?.state).toBe('pending');
  });
});
