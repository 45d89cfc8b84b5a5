// A picker choice is checked against the picker BEFORE the picker is consumed: a tampered choice
// (out of range, or missing) is refused and changes nothing, and the genuine choice still works
// afterwards (issue 12, item 18).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardExpiredError } from '../../src/domain/errors.js';
import { isKnownError } from '../../src/domain/error-catalogue.js';
import { errorMessage } from '../../src/cards/error-messages.js';
import { deskFixture, type DeskFixture } from '../support/desk-fixture.js';

let fixture: DeskFixture;
beforeEach(async () => {
  fixture = await deskFixture();
});
afterEach(async () => fixture.close());

describe('a tampered picker choice', () => {
  it.each([7, -1, 3])('choice %i is refused without using up the picker; the real choice then works', async (tampered) => {
    const { desk } = fixture;
    const picker = await desk.handleText(fixture.turn('pilar'), 'set pin Ken');
    if (picker.kind !== 'choose-user') throw new Error(picker.kind);
    expect(picker.candidates).toHaveLength(3);

    const refusal = await desk.choose(fixture.turn('pilar'), picker.ref, tampered).catch((e: unknown) => e);
    expect(await fixture.store.db.selectFrom('pin_history').selectAll().execute()).toHaveLength(0);

    const chosen = await desk.choose(fixture.turn('pilar'), picker.ref, 0);
    expect(chosen).toMatchObject({ kind: 'pin-set' });
    expect(isKnownError(refusal)).toBe(true);
    expect(refusal).not.toBeInstanceOf(CardExpiredError);
    expect(errorMessage(refusal)).toMatch(/not one of the choices/);
    // ...once: the picker is used up now.
    await expect(desk.choose(fixture.turn('pilar'), picker.ref, 1)).rejects.toBeInstanceOf(CardExpiredError);
    const audit = await fixture.store.audit.recent({ actor: 'pilar.ackerman@contoso.com', limit: 5 });
    expect(audit.map((r) => `${r.action}:${r.outcome}:${r.reason ?? ''}`)).toEqual(expect.arrayContaining(['choose-user:refused:bad-choice']));
  });
});
