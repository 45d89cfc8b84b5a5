// `whoami`: who PinDesk takes the caller to be, their groups (nested ones included) and the role
// grants those confer, scoped ones with their scope.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

it('a role held through a nested group', async () => {
  const { result, record } = await succeeds(f, () => f.desk.handleText(f.turn('pilar'), 'whoami'));
  const me = ofKind(result, 'whoami');
  expect(me.caller.user.userPrincipalName).toBe('pilar.ackerman@contoso.com');
  expect([...me.groups].sort()).toEqual(['CsUserAdministrator', 'Helpdesk Tier 1']);
  expect([...me.caller.roles]).toEqual(['CsUserAdministrator']);
  expect(record).toMatchObject({ actor: 'pilar.ackerman@contoso.com', action: 'whoami', outcome: 'ok' });
});

it('a scoped role, and no role at all', async () => {
  const oward = ofKind(await f.desk.handleText(f.turn('oward'), 'whoami'), 'whoami');
  expect(oward.grants).toEqual([{ role: 'CsHelpDesk', via: 'Dublin Helpdesk', scope: { ous: ['OU=Dublin,DC=contoso,DC=com'], sites: [] } }]);
  const kmyer = ofKind(await f.desk.handleText(f.turn('kmyer'), 'whoami'), 'whoami');
  expect(kmyer).toMatchObject({ groups: [], grants: [] });
});
