// Scoped roles through the desk (real SQLite, a copy of the demo directory with Eve Outsider added):
// Oscar Ward is CsHelpDesk scoped to OU=Dublin (demo/roles.json). Eve's CN holds an escaped comma
// spelling ",OU=Dublin": she sits directly under the domain, so Oscar may not touch her PIN.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutOfScopeError } from '../../src/domain/errors.js';
import { deskFixture, type DeskFixture } from '../support/desk-fixture.js';
import { withEve } from '../support/eve.js';

let fixture: DeskFixture;
beforeEach(async () => {
  fixture = await deskFixture({ directory: withEve });
});
afterEach(async () => fixture.close());

describe('scope checks compare parsed DNs (issue 12, item 12)', () => {
  it('a CsHelpDesk scoped to OU=Dublin cannot lock the PIN of a user whose CN only spells ",OU=Dublin"', async () => {
    const refusal = await fixture.desk.handleText(fixture.turn('oward'), 'lock pin Eve Outsider').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OutOfScopeError);
    expect((refusal as OutOfScopeError).location.ou).toBe('DC=contoso,DC=com');
    const status = await fixture.desk.handleText(fixture.turn('anne'), 'pin status Eve Outsider');
    expect(status).toMatchObject({ kind: 'pin-status', status: { isLockedOut: false } });
    const audit = await fixture.store.audit.recent({ actor: 'oscar.ward@contoso.com', limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'lock-pin', outcome: 'refused', reason: 'out-of-scope:pin.lock' });
  });

  it('...and still can for a user really in OU=Dublin', async () => {
    expect(await fixture.desk.handleText(fixture.turn('oward'), 'lock pin Ken Meyer')).toMatchObject({ kind: 'pin-locked' });
  });

  it('a DN typed with other case, spaces or escapes finds the same user', async () => {
    const result = await fixture.desk.handleText(fixture.turn('anne'), 'pin status cn = ken meyer, ou=USERS, ou=Dublin, dc=contoso, dc=com');
    expect(result).toMatchObject({ kind: 'pin-status', target: { displayName: 'Ken Meyer' } });
    const eve = await fixture.desk.handleText(fixture.turn('anne'), 'pin status CN=Eve Outsider\\2cOU=Dublin,DC=contoso,DC=com');
    expect(eve).toMatchObject({ kind: 'pin-status', target: { displayName: 'Eve Outsider' } });
  });
});
