// An attempt's audit row written 'pending' before a server call becomes its outcome in place
// (compare-and-set on outcome = 'pending'), on real SQLite: one row per attempt, one outcome only.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import type { AuditRecord } from '../../src/ports/store.js';
import { tempStore } from '../support/store.js';

let store: SqlStore;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ store, cleanup } = await tempStore());
});
afterEach(async () => cleanup());

const at = (ms: number) => new Date(Date.parse('2026-11-27T10:00:00Z') + ms);
const pending: AuditRecord = { at: at(0), actor: 'anne@contoso.com', action: 'set-pin', target: 'sip:ken.myer@contoso.com', outcome: 'pending', reason: 'generated', requestId: 'in-1' };
const rows = () => store.db.selectFrom('audit').select(['id', 'at', 'action', 'target', 'outcome', 'reason', 'request_id']).orderBy('id').execute();

it('the pending row becomes the outcome; a second outcome finds nothing pending and adds nothing', async () => {
  await store.audit.append(pending);
  await store.audit.append({ ...pending, requestId: 'in-2' }); // another attempt, still pending
  expect(await store.audit.resolve(pending, { ...pending, at: at(5), outcome: 'ok', reason: 'generated,reconciled' })).toBe(true);
  expect(await store.audit.resolve(pending, { ...pending, at: at(6), outcome: 'failed', reason: 'reconciled:not-set' })).toBe(false);
  expect((await rows()).map((r) => [r.request_id, r.outcome, r.reason, r.at])).toEqual([
    ['in-1', 'ok', 'generated,reconciled', at(5).getTime()],
    ['in-2', 'pending', 'generated', at(0).getTime()],
  ]);
});

it('finds a row without a target, and never one of another attempt', async () => {
  const untargeted: AuditRecord = { ...pending, target: undefined, action: 'request-approved' };
  await store.audit.append(untargeted);
  expect(await store.audit.resolve({ ...untargeted, target: 'sip:other@contoso.com' }, { ...untargeted, outcome: 'ok' })).toBe(false);
  expect(await store.audit.resolve({ ...untargeted, at: at(1) }, { ...untargeted, outcome: 'ok' })).toBe(false);
  expect(await store.audit.resolve(untargeted, { ...untargeted, action: 'request-approve', outcome: 'failed', reason: 'backend-error' })).toBe(true);
  expect((await rows()).map((r) => [r.action, r.target, r.outcome, r.reason])).toEqual([['request-approve', null, 'failed', 'backend-error']]);
});

it('two outcomes at once: exactly one is written', async () => {
  await store.audit.append(pending);
  const won = await Promise.all([
    store.audit.resolve(pending, { ...pending, outcome: 'ok' }),
    store.audit.resolve(pending, { ...pending, outcome: 'failed', reason: 'reconciled:not-set' }),
  ]);
  expect(won.filter(Boolean)).toHaveLength(1);
  expect(await rows()).toHaveLength(1);
});
