// Saved searches, like the Control Panel's saved queries: save, list, run and delete by name, each
// admin's own; others' searches are neither listed, run, overwritten nor deleted.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CommandSyntaxError, MissingRoleError } from '../../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const say = (sam: string, text: string) => f.desk.handleText(f.turn(sam), text);

it('save, list, run, delete', async () => {
  const saved = await succeeds(f, () => say('pilar', 'save search dublin as find user where site = Dublin'));
  expect(ofKind(saved.result, 'search-saved').name).toBe('dublin');
  expect(saved.record).toMatchObject({ action: 'save-search', target: 'dublin', outcome: 'ok' });
  expect(ofKind(await say('pilar', 'searches'), 'searches').searches.map((s) => s.name)).toEqual(['dublin']);

  const run = await succeeds(f, () => say('pilar', 'run search dublin'));
  const found = ofKind(run.result, 'users-found');
  expect(found.users.map((u) => u.user.site)).toEqual(found.users.map(() => 'Dublin'));
  expect(found.users.map((u) => u.user.displayName)).toContain('Ken Meyer');
  expect(run.record).toMatchObject({ action: 'run-search', target: 'dublin', outcome: 'ok' });

  const deleted = await succeeds(f, () => say('pilar', 'delete search dublin'));
  expect(ofKind(deleted.result, 'search-deleted').name).toBe('dublin');
  expect(await f.store.db.selectFrom('saved_searches').selectAll().execute()).toEqual([]);
  const again = await fails(f, () => say('pilar', 'run search dublin'));
  expect(again.error).toBeInstanceOf(CommandSyntaxError);
  expect(again.record).toMatchObject({ action: 'run-search', outcome: 'refused', reason: 'bad-command' });
});

it("each admin has their own: another's are not listed, run, overwritten or deleted", async () => {
  await say('pilar', 'save search mine as find user Ken');
  expect(ofKind(await say('vera', 'searches'), 'searches').searches).toEqual([]);
  expect((await fails(f, () => say('vera', 'run search mine'))).error).toBeInstanceOf(CommandSyntaxError);
  expect((await fails(f, () => say('vera', 'delete search mine'))).error).toBeInstanceOf(CommandSyntaxError);
  await say('vera', 'save search mine as find user where site = Dublin');
  const pilars = ofKind(await say('pilar', 'searches'), 'searches').searches;
  expect(pilars).toHaveLength(1);
  expect(pilars[0]!.query).not.toMatch(/Dublin/);
  expect(await f.store.db.selectFrom('saved_searches').select('name').execute()).toHaveLength(2);
});

it('needs a find role', async () => {
  const { error, record } = await fails(f, () => say('kmyer', 'save search x as find user Ken'));
  expect(error).toBeInstanceOf(MissingRoleError);
  expect(record).toMatchObject({ action: 'save-search', outcome: 'refused', reason: 'missing-role:user.find' });
  expect(await f.store.db.selectFrom('saved_searches').selectAll().execute()).toEqual([]);
});
