import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { eachStoreDialect, tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
const now = new Date('2026-11-27T10:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

eachStoreDialect((dialect) => {
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore(dialect));
  });
  afterEach(async () => cleanup());

  describe('the store', () => {
    it('starts with the Global policy at Skype for Business defaults', async () => {
      const policies = await store.policies.policies();
      expect(policies.get('Global')).toEqual({ identity: 'Global', minPasswordLength: 5, pinHistoryCount: 0, pinLifetimeDays: 0, allowCommonPatterns: false });
    });

    it('saves policies and per-user grants', async () => {
      await store.policies.savePolicy({ identity: 'tag:StrictPin', minPasswordLength: 8, pinHistoryCount: 3, pinLifetimeDays: 0, allowCommonPatterns: false });
      await store.policies.grant('u1', 'StrictPin');
      expect(await store.policies.grantedTag('u1')).toBe('StrictPin');
      expect((await store.policies.policies()).get('tag:StrictPin')?.minPasswordLength).toBe(8);
      await store.policies.grant('u1', undefined);
      expect(await store.policies.grantedTag('u1')).toBeUndefined();
    });

    it('a continuation is consumed exactly once, even by simultaneous clicks', async () => {
      await store.continuations.put({ id: 'c1', actorId: 'a', kind: 'choose-user', sealed: 'x', createdAt: now, expiresAt: minutes(15) });
      const results = await Promise.all(Array.from({ length: 10 }, () => store.continuations.consume('c1', minutes(1))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('an expired continuation cannot be consumed', async () => {
      await store.continuations.put({ id: 'c2', actorId: 'a', kind: 'choose-user', sealed: 'x', createdAt: now, expiresAt: minutes(15) });
      expect(await store.continuations.consume('c2', minutes(16))).toBe(false);
    });

    it('expired reveal secrets are deleted, the entry stays to explain', async () => {
      await store.reveals.put({ id: 'r1', addresseeId: 'a', targetId: 't', sealed: 'sealed', details: { x: 1 }, createdAt: now, expiresAt: minutes(10) });
      await store.reveals.put({ id: 'r2', addresseeId: 'a', targetId: 't', sealed: 'sealed', details: { x: 2 }, createdAt: now, expiresAt: minutes(20) });
      expect(await store.reveals.purgeExpired(minutes(10))).toBe(1);
      expect((await store.reveals.get('r1'))?.sealed).toBeUndefined();
      expect((await store.reveals.get('r2'))?.sealed).toBe('sealed');
    });

    it('keeps the audit trail newest first', async () => {
      await store.audit.append({ at: now, actor: 'a', action: 'set-pin', target: 't', outcome: 'ok', requestId: '1' });
      await store.audit.append({ at: minutes(1), actor: 'a', action: 'lock-pin', target: 't', outcome: 'refused', reason: 'missing-role:pin.lock', requestId: '2' });
      expect((await store.audit.recent({ actor: 'a', limit: 10 })).map((r) => r.action)).toEqual(['lock-pin', 'set-pin']);
    });

    it('remembers personal conversations per user and channel', async () => {
      await store.conversations.savePersonal('29:1', 'msteams', { conversation: { id: 'a' } }, now);
      await store.conversations.savePersonal('29:1', 'msteams', { conversation: { id: 'b' } }, minutes(1));
      expect(await store.conversations.personal('29:1', 'msteams')).toEqual({ conversation: { id: 'b' } });
      expect(await store.conversations.personal('29:1', 'emulator')).toBeUndefined();
    });

    it('keeps a request as written: its reason, and no decision while pending; a decision with its decider', async () => {
      const request = { id: 'q1', kind: 'reset' as const, requesterId: 'u1', requesterName: 'Ken', requesterUpn: 'ken@x', reason: 'new phone', state: 'pending' as const, createdAt: now, expiresAt: minutes(60) };
      expect(await store.requests.create(request)).toBe('created');
      expect(await store.requests.create({ ...request, id: 'q2' })).toBe('exists');
      expect(await store.requests.get('q1')).toEqual({ ...request, decidedAt: undefined, decidedById: undefined, decidedByName: undefined, decisionNote: undefined });
      expect((await store.requests.get('q1'))?.decidedAt).toBeUndefined();
      // Any other failure is not "exists": it is thrown.
      await expect(store.requests.create({ ...request, id: 'q3', requesterId: 'u3', kind: null as never })).rejects.toThrow(/NOT NULL|not-null/);
      expect(await store.requests.decide('q1', 'denied', { decidedAt: minutes(1), decidedById: 'a1', decidedByName: 'Anne', decisionNote: 'no' }, minutes(1))).toBe(true);
      expect(await store.requests.get('q1')).toMatchObject({ state: 'denied', decidedAt: minutes(1), decidedById: 'a1', decidedByName: 'Anne', decisionNote: 'no', reason: 'new phone' });
    });

    it('a second pending request inside a transaction is "exists", and the transaction carries on to commit', async () => {
      const request = { id: 'q1', kind: 'reset' as const, requesterId: 'u1', requesterName: 'Ken', requesterUpn: 'ken@x', state: 'pending' as const, createdAt: now, expiresAt: minutes(60) };
      await store.transaction(async (tx) => {
        expect(await tx.requests.create(request)).toBe('created');
        expect(await tx.requests.create({ ...request, id: 'q2' })).toBe('exists');
        await tx.audit.append({ at: now, actor: 'u1', action: 'request-pin', outcome: 'refused', reason: 'pending', requestId: '1' });
      });
      expect(await store.audit.recent({ actor: 'u1', limit: 5 })).toHaveLength(1);
      expect(await store.requests.get('q2')).toBeUndefined();
      // Once decided, the requester may ask again.
      await store.requests.decide('q1', 'denied', { decidedAt: minutes(1) }, minutes(1));
      expect(await store.requests.create({ ...request, id: 'q3' })).toBe('created');
    });

    it('a continuation without a card reads back without one; purged a day after it expired', async () => {
      await store.continuations.put({ id: 'c3', actorId: 'a', kind: 'user-list', sealed: 'x', createdAt: now, expiresAt: minutes(15) });
      expect(await store.continuations.get('c3')).toMatchObject({ card: undefined, usedAt: undefined });
      expect(await store.continuations.consume('c3', minutes(2))).toBe(true);
      expect((await store.continuations.get('c3'))?.usedAt).toEqual(minutes(2));
      const dayAfter = minutes(15 + 24 * 60);
      expect(await store.continuations.purgeExpired(new Date(dayAfter.getTime() - 1))).toBe(0);
      expect(await store.continuations.get('c3')).toBeDefined();
      expect(await store.continuations.purgeExpired(dayAfter)).toBe(1);
      expect(await store.continuations.get('c3')).toBeUndefined();
    });
  });
});
