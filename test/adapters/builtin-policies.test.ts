// PIN policies in PinDesk's own store (BuiltInPolicies): the governing policy by grant, directory
// site, Global; removing Global resets it; and the port's failures translated once (guardPolicies).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BuiltInPolicies } from '../../src/adapters/builtin-policies.js';
import { openSqliteStore } from '../../src/adapters/sql/sqlite.js';
import type { SqlStore } from '../../src/adapters/sql/sql-store.js';
import { BackendError, PolicyConflictError } from '../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import { guardPolicies } from '../../src/ports/guarded.js';
import { KEN_MYER } from '../support/sample-user.js';

let dir: string;
let store: SqlStore;
let policies: BuiltInPolicies;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pindesk-policies-'));
  store = await openSqliteStore(dir);
  policies = new BuiltInPolicies(store.policies);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it('governs by grant, then the directory site, then Global; PinDesk applies the history', async () => {
  const ken = KEN_MYER;
  expect(policies.history).toBe('pindesk');
  expect(await policies.governing(ken)).toEqual({ policy: { identity: 'Global', ...GLOBAL_DEFAULTS }, scope: 'global', grantedTag: undefined });
  await policies.save({ identity: 'site:Redmond', ...GLOBAL_DEFAULTS, minPasswordLength: 6 }, 'create');
  await policies.save({ identity: 'tag:StrictPin', ...GLOBAL_DEFAULTS, minPasswordLength: 8 }, 'create');
  expect(await policies.governing(ken)).toMatchObject({ policy: { identity: 'site:Redmond' }, scope: 'site' });
  await policies.grant(ken, 'StrictPin');
  expect(await policies.governing(ken)).toMatchObject({ policy: { identity: 'tag:StrictPin' }, scope: 'tag', grantedTag: 'StrictPin' });
  // The policies already read this turn are used as given.
  expect(await policies.governing(ken, new Map())).toMatchObject({ policy: { identity: 'Global' }, grantedTag: 'StrictPin' });
  await policies.remove('tag:StrictPin');
  expect(await policies.governing(ken)).toMatchObject({ policy: { identity: 'site:Redmond' }, grantedTag: undefined });
});

it('removing Global resets it to the defaults', async () => {
  await policies.save({ identity: 'Global', ...GLOBAL_DEFAULTS, minPasswordLength: 9 }, 'change');
  await policies.remove('Global');
  expect((await policies.policies()).get('Global')).toEqual({ identity: 'Global', ...GLOBAL_DEFAULTS });
});

it('guarded: a raw failure becomes a BackendError (and is observed), a desk error passes through', async () => {
  const seen: unknown[] = [];
  const failing = guardPolicies(
    Object.assign(new BuiltInPolicies(store.policies), {
      policies: () => Promise.reject(new Error('disk I/O error')),
      remove: () => Promise.reject(new PolicyConflictError('tag:X', 'missing')),
    }),
    (failure) => seen.push(failure),
  );
  await expect(failing.policies()).rejects.toBeInstanceOf(BackendError);
  await expect(failing.remove('tag:X')).rejects.toBeInstanceOf(PolicyConflictError);
  expect(seen).toHaveLength(1);
});
