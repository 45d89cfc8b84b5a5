// The store side of issue 12, items 10 and 11, on real SQLite and PostgreSQL: rate-limit counters
// that several instances can share (one atomic statement per hit, Retry-After from the window),
// their cleanup, and audit retention in batches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
eachStoreDialect((dialect) => {
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
  });
  afterEach(async () => cleanup());

  const at = (ms: number) => new Date(Date.parse('2026-11-27T10:00:00Z') + ms);

  describe('rate limits in the store', () => {
    it('200 concurrent hits on one key: exactly the limit pass', async () => {
      const answers = await Promise.all(Array.from({ length: 200 }, () => store.rateLimits.take('k', 37, 60_000, at(0))));
      expect(answers.filter((a) => a.allowed)).toHaveLength(37);
    });

    it('says when the window ends, and a new window starts afresh', async () => {
      await store.rateLimits.take('k', 2, 60_000, at(0));
      expect(await store.rateLimits.take('k', 2, 60_000, at(10_000))).toEqual({ allowed: true, retryAfterMs: 0 });
      expect(await store.rateLimits.take('k', 2, 60_000, at(15_000))).toEqual({ allowed: false, retryAfterMs: 45_000 });
      expect(await store.rateLimits.hit('k', 2, 60_000, at(59_999))).toBe(false);
      expect(await store.rateLimits.take('k', 2, 60_000, at(60_000))).toEqual({ allowed: true, retryAfterMs: 0 });
      expect(await store.rateLimits.hit('other', 2, 60_000, at(15_000))).toBe(true);
    });

    it('stale counters are deleted', async () => {
      await store.rateLimits.hit('old', 5, 60_000, at(0));
      await store.rateLimits.hit('new', 5, 60_000, at(2 * 86_400_000));
      expect(await store.rateLimits.purgeStale(at(86_400_000))).toBe(1);
      expect(await store.rateLimits.take('new', 1, 86_400_000, at(2 * 86_400_000 + 1))).toMatchObject({ allowed: false });
    });
  });

  describe('audit retention', () => {
    it('deletes the oldest records before a date, at most a batch at a time', async () => {
      for (let i = 0; i < 10; i++) await store.audit.append({ at: at(i * 1000), actor: 'a', action: 'x', outcome: 'ok', requestId: `r${i}` });
      expect(await store.audit.purgeBefore(at(7000), 4)).toBe(4);
      expect(await store.audit.purgeBefore(at(7000), 4)).toBe(3);
      expect(await store.audit.purgeBefore(at(7000), 4)).toBe(0);
      expect((await store.audit.recent({ limit: 100 })).map((r) => r.requestId)).toEqual(['r9', 'r8', 'r7']);
    });
  });
});
