// Small assertions shared by the use-case specs (test/desk): what an attempt answered and the one
// audit record it left, results narrowed by kind, and stores with one repository method replaced.
import { expect } from 'vitest';
import type { AuditRow } from '../../src/adapters/sql/schema.js';
import type { DeskResult } from '../../src/desk/results.js';
import type { Store } from '../../src/ports/store.js';
import type { DeskFixture } from './desk-fixture.js';

export type AuditEntry = Pick<AuditRow, 'actor' | 'action' | 'target' | 'outcome' | 'reason' | 'request_id'>;

/** Every audit record so far, oldest first. */
export async function auditRows(fixture: DeskFixture): Promise<AuditEntry[]> {
  return fixture.store.db.selectFrom('audit').select(['id', 'actor', 'action', 'target', 'outcome', 'reason', 'request_id']).orderBy('id').execute();
}

async function lastAuditId(fixture: DeskFixture): Promise<number> {
  const row = await fixture.store.db.selectFrom('audit').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The audit records written while `run` ran. */
async function recordsDuring<T>(fixture: DeskFixture, run: () => Promise<T>): Promise<{ settled: PromiseSettledResult<T>; records: AuditEntry[] }> {
  const before = await lastAuditId(fixture);
  const settled = await run().then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  );
  const records = await fixture.store.db
    .selectFrom('audit')
    .select(['actor', 'action', 'target', 'outcome', 'reason', 'request_id'])
    .where('id', '>', before)
    .orderBy('id')
    .execute();
  return { settled, records };
}

/** An attempt that answers; exactly one audit record, returned with the answer. */
export async function succeeds<T>(fixture: DeskFixture, run: () => Promise<T>): Promise<{ result: T; record: AuditEntry }> {
  const { settled, records } = await recordsDuring(fixture, run);
  if (settled.status === 'rejected') throw settled.reason;
  expect(records).toHaveLength(1);
  return { result: settled.value, record: records[0]! };
}

/** An attempt that is turned down (or fails); exactly one audit record, returned with the error. */
export async function fails(fixture: DeskFixture, run: () => Promise<unknown>): Promise<{ error: unknown; record: AuditEntry }> {
  const { settled, records } = await recordsDuring(fixture, run);
  if (settled.status === 'fulfilled') throw new Error(`expected a refusal, got ${JSON.stringify(settled.value)}`);
  expect(records).toHaveLength(1);
  return { error: settled.reason, record: records[0]! };
}

/** The result, asserted to be of `kind` and narrowed to it. */
export function ofKind<K extends DeskResult['kind']>(result: DeskResult, kind: K): Extract<DeskResult, { kind: K }> {
  expect(result.kind).toBe(kind);
  return result as Extract<DeskResult, { kind: K }>;
}

/** `target` with some properties replaced (methods keep `target` as `this`). */
export function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get: (object, property) => (Object.hasOwn(overrides, property) ? overrides[property as keyof T] : Reflect.get(object, property, object)),
  });
}

/** A store with one repository replaced. */
export function withRepository<K extends keyof Store>(store: Store, key: K, repository: Store[K]): Store {
  return overriding(store, { [key]: repository } as Partial<Store>);
}
