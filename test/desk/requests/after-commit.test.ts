// The database going away after a request's change was committed — while the result is read back
// and its audit record written — is answered as saved, never as "nothing was changed".
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.js';
import { StoreUnreachable } from '../../../src/ports/store-unreachable.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind, overriding, withRepository } from '../../support/desk-expect.js';

let f: DeskFixture;
afterEach(() => f.close());

/** Once armed (right after the decision is written), every read of a request and every audit append fails as a lost database. */
let armed = false;
const gone = () => new StoreUnreachable('nothing', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

function goingAway(store: Store): Store {
  const requests = overriding(store.requests, {
    decide: async (...args: Parameters<Store['requests']['decide']>) => {
      const won = await store.requests.decide(...args);
      armed = won;
      return won;
    },
    get: async (id: string) => {
      if (armed) throw gone();
      return store.requests.get(id);
    },
  });
  const audit = overriding(store.audit, {
    append: async (...args: Parameters<Store['audit']['append']>) => {
      if (armed) throw gone();
      return store.audit.append(...args);
    },
  });
  return withRepository(withRepository(store, 'requests', requests), 'audit', audit);
}

it('a Deny committed, then the database goes: the answer says it was saved, and it was', async () => {
  armed = false;
  f = await deskFixture({ decorateStore: goingAway });
  const id = ofKind(await f.desk.handleText(f.turn('kmyer'), 'reset my pin'), 'request-created').view.request.id;
  // The record's append fails too: that must not replace the answer.
  await expect(f.desk.decideRequest(f.turn('anne'), id, 'deny')).rejects.toMatchObject({ code: 'store-unavailable', changed: 'saved' });
  armed = false;
  const state = (await f.store.db.selectFrom('pin_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  expect(state).toBe('denied');
});
