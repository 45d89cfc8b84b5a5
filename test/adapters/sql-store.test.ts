import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
const now = new Date('2026-11-27T10:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
});
afterEach(async () => cleanup());

describe('SQLite store', () => {
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
});
