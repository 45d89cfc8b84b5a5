// `set pin`: a generated PIN obeys the user's policy, a typed one is checked against it, a PIN never
// goes live where others read it or where it cannot be delivered privately, a locked PIN is not
// overwritten, and each attempt leaves one audit record naming the user and the rule.
import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { setPinOn } from '../../../src/desk/pins/set-pin.js';
import { findCommonPattern, phoneNumberOf } from '../../../src/domain/common-patterns.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { MissingRoleError, NoPrivateChatError, OutOfScopeError, PinExposedError, PinLockedError, PinRuleError, UserNotEnabledError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
afterEach(() => f.close());

const KEN = 'sip:ken.myer@contoso.com';

async function historyOf(sam: string): Promise<number> {
  const user = await f.user(sam);
  return (await f.store.db.selectFrom('pin_history').select('id').where('user_id', '=', user.id).execute()).length;
}

async function revealed(sam: string, ref: string): Promise<string> {
  return (await f.desk.reveal(f.turn(sam), ref, true)).pin!;
}

describe('a generated PIN', () => {
  it("has exactly the user's policy length and no common pattern (redrawn until acceptable)", async () => {
    // The first draws are a sequence and Ken's own number's last 8 digits: both must be redrawn.
    const scripted = [...'12345678', ...'25550100'].map(Number);
    f = await deskFixture({ randomInt: (max) => scripted.shift() ?? randomInt(max) });
    await f.services.store.policies.savePolicy({ identity: 'site:Redmond', ...GLOBAL_DEFAULTS, minPasswordLength: 8 });

    const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer'));
    const set = ofKind(result, 'pin-set');
    expect(set.details).toMatchObject({ policyIdentity: 'site:Redmond', generated: true, unlockedFirst: false });
    expect(record).toMatchObject({ actor: 'pilar.ackerman@contoso.com', action: 'set-pin', target: KEN, outcome: 'ok', reason: 'generated' });

    const pin = await revealed('pilar', set.revealRef);
    expect(pin).toMatch(/^\d{8}$/);
    expect(findCommonPattern(pin, phoneNumberOf('tel:+14255550100'))).toBeUndefined();
    expect(scripted).toHaveLength(0);
    expect(await f.verifier.verify({ line: '+14255550100' }, pin, 'spec')).toBe('ok');
    expect(await historyOf('kmyer')).toBe(1);
  });
});

describe('a typed PIN', () => {
  it('is set as typed when the policy accepts it', async () => {
    f = await deskFixture();
    const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194'));
    const set = ofKind(result, 'pin-set');
    expect(set.details.generated).toBe(false);
    expect(record).toMatchObject({ action: 'set-pin', target: KEN, outcome: 'ok', reason: 'manual' });
    expect(await revealed('pilar', set.revealRef)).toBe('730194');
  });

  it.each([
    ['123456', 'common-pattern', 'pin-rule:common-pattern:sequence'],
    ['7301', 'too-short', 'pin-rule:too-short'],
    ['73O194', 'digits-only', 'pin-rule:digits-only'],
  ])('%s is refused with the rule it breaks, and nothing changes', async (pin, rule, reason) => {
    f = await deskFixture();
    const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), `set pin Ken Myer ${pin}`));
    expect(error).toBeInstanceOf(PinRuleError);
    expect((error as PinRuleError).rule).toBe(rule);
    expect(record).toMatchObject({ action: 'set-pin', target: KEN, outcome: 'refused', reason });
    expect(await historyOf('kmyer')).toBe(0);
    expect(await f.store.db.selectFrom('reveals').select('id').execute()).toHaveLength(0);
  });

  it('is checked against history unless the admin overrides it', async () => {
    f = await deskFixture();
    await f.services.store.policies.savePolicy({ identity: 'Global', ...GLOBAL_DEFAULTS, pinHistoryCount: 3 });
    await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194');
    const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194'));
    expect((error as PinRuleError).rule).toBe('in-history');
    expect(record).toMatchObject({ outcome: 'refused', reason: 'pin-rule:in-history' });
    const { record: overridden } = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194 ignore-history'));
    expect(overridden).toMatchObject({ outcome: 'ok', reason: 'manual,history-override' });
    expect(await historyOf('kmyer')).toBe(2);
  });

  it('is refused in a channel or group chat (already exposed); a generated one is not', async () => {
    f = await deskFixture();
    const channel = () => f.turn('pilar', { shared: true, privateReply: false });
    const { error, record } = await fails(f, () => f.desk.handleText(channel(), 'set pin Ken Myer 730194'));
    expect(error).toBeInstanceOf(PinExposedError);
    expect(record).toMatchObject({ action: 'set-pin', outcome: 'refused', reason: 'pin-exposed' });
    expect(await historyOf('kmyer')).toBe(0);
    ofKind((await succeeds(f, () => f.desk.handleText(channel(), 'set pin Ken Myer'))).result, 'pin-set');
  });
});

it('is refused where the caller cannot be reached privately, before anything changes', async () => {
  f = await deskFixture();
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar', { shared: true, privateReply: false, canReachPrivately: false }), 'set pin Ken Myer'));
  expect(error).toBeInstanceOf(NoPrivateChatError);
  expect(record).toMatchObject({ action: 'set-pin', outcome: 'refused', reason: 'no-private-chat' });
  expect(await historyOf('kmyer')).toBe(0);
});

describe('a locked PIN', () => {
  it('is not set; "Unlock and set" is offered to a caller who may unlock', async () => {
    f = await deskFixture();
    await f.desk.handleText(f.turn('pilar'), 'lock pin Ken Myer');
    const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer'));
    expect(error).toBeInstanceOf(PinLockedError);
    const ref = (error as PinLockedError).unlockAndSetRef;
    expect(ref).toBeDefined();
    expect(record).toMatchObject({ action: 'set-pin', target: KEN, outcome: 'refused', reason: 'pin-locked' });
    expect(await f.store.db.selectFrom('continuations').select('kind').where('id', '=', ref!).execute()).toEqual([{ kind: 'unlock-and-set' }]);
    expect(await historyOf('kmyer')).toBe(0);
  });

  it('offers nothing to a caller who may not unlock that user', async () => {
    f = await deskFixture();
    const ken = await f.user('kmyer');
    await f.services.authority.lock(ken.id, f.services.clock());
    // Every role that may set may also unlock, so this is only reachable through the handler itself.
    const caller = { user: await f.user('kmeyer'), grants: [], roles: new Set<never>() };
    const ctx = { turn: f.turn('kmeyer'), caller, scope: { actor: 'spec', action: 'set-pin' } };
    const error = await setPinOn(f.services, ctx, { kind: 'set-pin', identity: 'kmyer', ignoreHistory: false }, ken, false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinLockedError);
    expect((error as PinLockedError).unlockAndSetRef).toBeUndefined();
    expect(await f.store.db.selectFrom('continuations').select('id').execute()).toHaveLength(0);
  });
});

it('is refused for a user not enabled for Skype for Business', async () => {
  f = await deskFixture();
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Mark Hanson'));
  expect(error).toBeInstanceOf(UserNotEnabledError);
  expect(record).toMatchObject({ action: 'set-pin', target: 'sip:mark.hanson@contoso.com', outcome: 'refused', reason: 'user-not-enabled' });
  expect(await historyOf('mhanson')).toBe(0);
});

it('is refused to a helpdesk role, audited against the user named', async () => {
  f = await deskFixture();
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('chris'), 'set pin Ken Myer'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ actor: 'chris.cannon@contoso.com', action: 'set-pin', target: KEN, outcome: 'refused', reason: 'missing-role:pin.set' });
});

it('with a scoped role: allowed inside the scope, refused outside it', async () => {
  f = await deskFixture({ settings: { scopedRoles: [{ group: 'Dublin Helpdesk', template: 'CsUserAdministrator', userScopes: ['OU:OU=Dublin,DC=contoso,DC=com'] }] } });
  ofKind((await succeeds(f, () => f.desk.handleText(f.turn('oward'), 'set pin Ken Meyer'))).result, 'pin-set');
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('oward'), 'set pin Ken Myer'));
  expect(error).toBeInstanceOf(OutOfScopeError);
  expect(record).toMatchObject({ action: 'set-pin', target: KEN, outcome: 'refused', reason: 'out-of-scope:pin.set' });
  expect(await historyOf('kmyer')).toBe(0);
});
