// An unlock approved on a remote PIN authority: what the approval owes the requester (the
// "unlocked" note, the cards redrawn) is recorded only once the server has unlocked — while its
// call still runs, however long past the lease, there is nothing for a sweep to carry; a refusal
// leaves none at all.
import { afterEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind } from '../../support/desk-expect.js';
import { Gate, StandInServer } from '../../support/stand-in-server.js';

let f: DeskFixture;
afterEach(() => f.close());

const notices = (id: string) => f.store.db.selectFrom('request_notices').select(['change', 'state']).where('request_id', '=', id).where('change', '!=', 'created').execute();

it('no "unlocked" notice while the server call runs; one once it has unlocked', async () => {
  const server = new StandInServer();
  f = await deskFixture({ remoteAuthority: server });
  const id = ofKind(await f.desk.handleText(f.turn('kmyer'), 'unlock my pin'), 'request-created').view.request.id;
  server.unlockGate = new Gate();
  const press = f.desk.decideRequest(f.turn('anne'), id, 'approve');
  await server.unlockGate.reached;
  // Long past any lease: a sweep now must find nothing owed for this approval.
  f.clock.advance(5 * 60_000);
  expect(await notices(id)).toEqual([]);
  server.unlockGate.release();
  expect(ofKind(await press, 'request-updated').change).toBe('approved');
  expect(await notices(id)).toEqual([{ change: 'approved', state: 'pending' }]);
});
