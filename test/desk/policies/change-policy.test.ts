// New-, Set- and Remove-CsPinPolicy: CsAdministrator only; a site policy needs a site that exists;
// Global cannot be created or deleted (removing resets it); a refusal names the problem and changes
// nothing; every change is audited with its before and after values.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MissingRoleError, PolicyConflictError, PolicySettingError } from '../../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const anne = () => f.turn('anne');
const stored = async () => Object.fromEntries((await f.store.db.selectFrom('pin_policies').select(['identity', 'settings']).execute()).map((r) => [r.identity, JSON.parse(r.settings)]));

it('new: from the defaults, with the settings given; audited with before (null) and after', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(anne(), 'new pin policy site:Redmond min 6 history 3'));
  expect(ofKind(result, 'policy-changed')).toMatchObject({ change: 'created', identity: 'site:Redmond', policy: { minPasswordLength: 6, pinHistoryCount: 3 } });
  expect((await stored())['site:Redmond']).toEqual({ ...GLOBAL_DEFAULTS, minPasswordLength: 6, pinHistoryCount: 3 });
  expect(record).toMatchObject({ actor: 'anne.wallace@contoso.com', action: 'new-policy', target: 'site:Redmond', outcome: 'ok' });
  expect(JSON.parse(record.reason!)).toMatchObject({ MinPasswordLength: [null, 6], PINHistoryCount: [null, 3] });
});

it('new: refused for an existing policy, for Global and for a site that does not exist', async () => {
  await f.desk.handleText(anne(), 'new pin policy StrictPin min 8');
  for (const [text, reason] of [
    ['new pin policy StrictPin min 9', 'policy-conflict:exists'],
    ['New-CsPinPolicy -Identity Global -MinPasswordLength 6', 'policy-conflict:global'],
    ['new pin policy site:Paris min 6', 'policy-conflict:unknown-site'],
  ] as const) {
    const { error, record } = await fails(f, () => f.desk.handleText(anne(), text));
    expect(error).toBeInstanceOf(PolicyConflictError);
    expect(record).toMatchObject({ action: 'new-policy', outcome: 'refused', reason });
  }
  expect(Object.keys(await stored()).sort()).toEqual(['Global', 'tag:StrictPin']);
  expect((await stored())['tag:StrictPin'].minPasswordLength).toBe(8);
});

it('set: no identity means Global; only what changed is in the audit reason', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(anne(), 'set pin policy min 7'));
  expect(ofKind(result, 'policy-changed')).toMatchObject({ change: 'changed', identity: 'Global' });
  expect(record).toMatchObject({ action: 'set-policy', target: 'Global', outcome: 'ok', reason: '{"MinPasswordLength":[5,7]}' });
  expect((await stored()).Global.minPasswordLength).toBe(7);
});

it('set: refused for a missing policy, or a setting out of range, naming the parameter; nothing changes', async () => {
  const missing = await fails(f, () => f.desk.handleText(anne(), 'set pin policy site:Dublin min 6'));
  expect(missing.record).toMatchObject({ action: 'set-policy', target: 'site:Dublin', outcome: 'refused', reason: 'policy-conflict:missing' });
  const range = await fails(f, () => f.desk.handleText(anne(), 'Set-CsPinPolicy -MinPasswordLength 3'));
  expect(range.error).toBeInstanceOf(PolicySettingError);
  expect(range.record).toMatchObject({ outcome: 'refused', reason: 'policy-setting:MinPasswordLength' });
  expect(await stored()).toEqual({ Global: GLOBAL_DEFAULTS });
});

it('remove: a site policy goes (its users fall back to Global); Global is reset to the defaults', async () => {
  await f.desk.handleText(anne(), 'new pin policy site:Redmond min 6');
  await f.desk.handleText(anne(), 'set pin policy min 9');
  const site = await succeeds(f, () => f.desk.handleText(anne(), 'remove pin policy site:Redmond'));
  expect(ofKind(site.result, 'policy-changed')).toMatchObject({ change: 'removed', identity: 'site:Redmond', policy: undefined });
  expect(JSON.parse(site.record.reason!)).toMatchObject({ MinPasswordLength: [6, null] });
  expect(ofKind(await f.desk.handleText(f.turn('kmyer'), 'pin policy'), 'policy').source).toBe('global');

  const global = await succeeds(f, () => f.desk.handleText(anne(), 'Remove-CsPinPolicy -Identity Global'));
  expect(ofKind(global.result, 'policy-changed')).toMatchObject({ change: 'reset', identity: 'Global' });
  expect(global.record).toMatchObject({ action: 'remove-policy', target: 'Global', reason: '{"MinPasswordLength":[9,5]}' });
  expect(await stored()).toEqual({ Global: GLOBAL_DEFAULTS });
});

it('remove: a per-user policy takes its grants with it', async () => {
  await f.desk.handleText(anne(), 'new pin policy StrictPin min 8');
  await f.desk.handleText(anne(), 'grant pin policy StrictPin to Ken Myer');
  await f.desk.handleText(anne(), 'remove pin policy StrictPin');
  expect(await f.store.db.selectFrom('policy_grants').selectAll().execute()).toEqual([]);
});

it('is refused to a CsUserAdministrator', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'set pin policy min 7'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'set-policy', outcome: 'refused', reason: 'missing-role:policy.manage' });
  expect(await stored()).toEqual({ Global: GLOBAL_DEFAULTS });
});

it("a site is named as the directory spells it, so the policy governs the site's users", async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(anne(), 'new pin policy site:redmond min 6'));
  expect(ofKind(result, 'policy-changed').identity).toBe('site:Redmond');
  expect(record.target).toBe('site:Redmond');
  expect(ofKind(await f.desk.handleText(f.turn('kmyer'), 'pin policy'), 'policy')).toMatchObject({ source: 'site', policy: { minPasswordLength: 6 } });
  expect((await fails(f, () => f.desk.handleText(anne(), 'new pin policy SITE:REDMOND min 7'))).record.reason).toBe('policy-conflict:exists');
  ofKind(await f.desk.handleText(anne(), 'remove pin policy site:REDMOND'), 'policy-changed');
  expect(Object.keys(await stored())).toEqual(['Global']);
});
