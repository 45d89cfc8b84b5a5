// Exactly one user per command: an exact display or account name wins over prefix matches, several
// matches give a picker (at most PICKER_LIMIT), none gives the closest names.
import { afterEach, expect, it } from 'vitest';
import { NoUserMatchError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
afterEach(() => f.close());

it('an exact name is taken even when others start the same way', async () => {
  f = await deskFixture();
  // "Ken M" matches Ken Myer and Ken Meyer; "Ken Myer" names one exactly.
  expect(ofKind(await f.desk.handleText(f.turn('vera'), 'pin status Ken M'), 'choose-user').candidates).toHaveLength(2);
  expect(ofKind(await f.desk.handleText(f.turn('vera'), 'pin status Ken Myer'), 'pin-status').target.displayName).toBe('Ken Myer');
});

it('a picker shows at most PICKER_LIMIT and says there are more', async () => {
  f = await deskFixture({ settings: { pickerLimit: 2 } });
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('vera'), 'pin status Ken'));
  expect(ofKind(result, 'choose-user')).toMatchObject({ more: true, candidates: { length: 2 } });
  expect(record).toMatchObject({ action: 'pin-status', outcome: 'pending', reason: 'ambiguous: more than 2 matches' });
});

it('no match: refused with the closest names, nothing audited as a target', async () => {
  f = await deskFixture();
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('vera'), 'pin status Ken Myre'));
  expect(error).toBeInstanceOf(NoUserMatchError);
  expect((error as NoUserMatchError).hints.map((h) => h.displayName)).toContain('Ken Myer');
  expect(record).toMatchObject({ action: 'pin-status', target: null, outcome: 'refused', reason: 'no-match' });
});

it('wildcards and filter syntax are plain text, never many users', async () => {
  f = await deskFixture();
  for (const text of ['pin status *', 'pin status Ken*', 'pin status (displayName=*)']) {
    const { error } = await fails(f, () => f.desk.handleText(f.turn('vera'), text));
    expect(error).toBeInstanceOf(NoUserMatchError);
  }
});
