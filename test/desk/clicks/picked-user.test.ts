// Buttons naming a user from an earlier answer: a picker choice works once, a find result's buttons
// work many times, "Unlock and set" does one atomic change; each re-checks the caller's roles now.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadChoiceError, CardExpiredError, MissingRoleError, NotAddresseeError, PinLockedError, PinRuleError } from '../../../src/domain/errors.js';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const historyOf = async (sam: string) => (await f.store.db.selectFrom('pin_history').select('id').where('user_id', '=', (await f.user(sam)).id).execute()).length;
const lockedOf = async (sam: string) => (await f.store.db.selectFrom('pin_records').select('admin_locked').where('user_id', '=', (await f.user(sam)).id).executeTakeFirstOrThrow()).admin_locked;

describe('a picker', () => {
  it('is audited as pending; a choice runs the command once on that user', async () => {
    const asked = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'set pin Ken 730194'));
    const picker = ofKind(asked.result, 'choose-user');
    expect(picker.candidates.map((c) => c.displayName).sort()).toEqual(['Ken Meyer', 'Ken Myer', 'Kendra Sato']);
    const meyer = picker.candidates.findIndex((c) => c.displayName === 'Ken Meyer');
    expect(asked.record).toMatchObject({ action: 'set-pin', outcome: 'pending', reason: 'ambiguous: 3 matches' });
    // The typed PIN waits sealed.
    expect(JSON.stringify(await f.store.db.selectFrom('continuations').selectAll().execute())).not.toContain('730194');

    const chosen = await succeeds(f, () => f.desk.choose(f.turn('pilar'), picker.ref, meyer));
    const set = ofKind(chosen.result, 'pin-set');
    expect(set.details.target.displayName).toBe('Ken Meyer');
    expect(chosen.record).toMatchObject({ action: 'set-pin', target: 'sip:ken.meyer@contoso.com', outcome: 'ok', reason: 'manual' });
    expect((await f.desk.reveal(f.turn('pilar'), set.revealRef, true)).pin).toBe('730194');

    const twice = await fails(f, () => f.desk.choose(f.turn('pilar'), picker.ref, meyer));
    expect(twice.error).toBeInstanceOf(CardExpiredError);
    expect(twice.record).toMatchObject({ action: 'choose-user', outcome: 'refused', reason: 'card-expired:choice' });
    expect(await historyOf('kmeyer')).toBe(1);
  });

  it('refuses an index it never offered, and a choice by someone else', async () => {
    const picker = ofKind(await f.desk.handleText(f.turn('pilar'), 'pin status Ken'), 'choose-user');
    expect((await fails(f, () => f.desk.choose(f.turn('anne'), picker.ref, 0))).error).toBeInstanceOf(NotAddresseeError);
    expect((await fails(f, () => f.desk.choose(f.turn('pilar'), picker.ref, 3))).error).toBeInstanceOf(BadChoiceError);
  });

  it('expires after CHOICE_TTL', async () => {
    const picker = ofKind(await f.desk.handleText(f.turn('pilar'), 'pin status Ken'), 'choose-user');
    f.clock.advance(15 * 60_000);
    expect((await fails(f, () => f.desk.choose(f.turn('pilar'), picker.ref, 0))).error).toBeInstanceOf(CardExpiredError);
  });
});

describe('a find result button', () => {
  it('works again and again, each press re-checked and audited as its action', async () => {
    const found = ofKind(await f.desk.handleText(f.turn('chris'), 'find user Ken Myer'), 'users-found');
    for (let i = 0; i < 2; i++) {
      const { result, record } = await succeeds(f, () => f.desk.actOnListed(f.turn('chris'), found.ref!, 0, 'lock-pin'));
      expect(ofKind(result, 'pin-locked').wasLocked).toBe(i === 1);
      expect(record).toMatchObject({ actor: 'chris.cannon@contoso.com', action: 'lock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'ok' });
    }
    // A button not offered to a helpdesk (set) is refused at the press.
    const set = await fails(f, () => f.desk.actOnListed(f.turn('chris'), found.ref!, 0, 'set-pin'));
    expect(set.record).toMatchObject({ action: 'set-pin', target: 'sip:ken.myer@contoso.com', outcome: 'refused', reason: 'missing-role:pin.set' });
    expect((await fails(f, () => f.desk.actOnListed(f.turn('chris'), found.ref!, 1, 'pin-status'))).error).toBeInstanceOf(BadChoiceError);
    expect((await fails(f, () => f.desk.actOnListed(f.turn('vera'), found.ref!, 0, 'pin-status'))).error).toBeInstanceOf(NotAddresseeError);
  });
});

describe('Unlock and set', () => {
  async function offer(text = 'set pin Ken Myer'): Promise<string> {
    await f.desk.handleText(f.turn('anne'), 'lock pin Ken Myer');
    const refusal = await f.desk.handleText(f.turn('anne'), text).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PinLockedError);
    return (refusal as PinLockedError).unlockAndSetRef!;
  }

  it('unlocks and sets in one change, once', async () => {
    const ref = await offer();
    const { result, record } = await succeeds(f, () => f.desk.unlockAndSet(f.turn('anne'), ref));
    expect(ofKind(result, 'pin-set').details.unlockedFirst).toBe(true);
    expect(record).toMatchObject({ action: 'unlock-and-set', target: 'sip:ken.myer@contoso.com', outcome: 'ok', reason: 'generated,unlocked-first' });
    expect(await lockedOf('kmyer')).toBe(0);
    expect((await fails(f, () => f.desk.unlockAndSet(f.turn('anne'), ref))).error).toBeInstanceOf(CardExpiredError);
    expect(await historyOf('kmyer')).toBe(1);
  });

  it('checks both permissions at the press: unlock alone is not enough, and nothing changes', async () => {
    const ref = await offer();
    f.directory.replaced.set('anne', new Set(['CsHelpDesk']));
    const { error, record } = await fails(f, () => f.desk.unlockAndSet(f.turn('anne'), ref));
    expect(error).toBeInstanceOf(MissingRoleError);
    expect(record).toMatchObject({ action: 'unlock-and-set', outcome: 'refused', reason: 'missing-role:pin.set' });
    expect(await lockedOf('kmyer')).toBe(1);
    f.directory.replaced.set('anne', new Set(['CsViewOnlyAdministrator']));
    expect((await fails(f, () => f.desk.unlockAndSet(f.turn('anne'), ref))).record.reason).toBe('missing-role:pin.unlock');
    f.directory.replaced.delete('anne');
    ofKind(await f.desk.unlockAndSet(f.turn('anne'), ref), 'pin-set');
  });

  it('a PIN the policy now refuses leaves the PIN locked: no unlock without the set', async () => {
    const ref = await offer('set pin Ken Myer 730194');
    await f.services.store.policies.savePolicy({ identity: 'Global', ...GLOBAL_DEFAULTS, minPasswordLength: 8 });
    const { error } = await fails(f, () => f.desk.unlockAndSet(f.turn('anne'), ref));
    expect(error).toBeInstanceOf(PinRuleError);
    expect(await lockedOf('kmyer')).toBe(1);
    expect(await historyOf('kmyer')).toBe(0);
  });
});
