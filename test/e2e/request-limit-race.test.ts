// REQUESTS_PER_DAY under a race: an ask that has counted the day's requests but not yet created its
// own must not let another ask (on another instance), withdrawn at once, slip in beside it. Made
// deterministic here: the first ask is held right after it counted while a second ask and its
// withdrawal run. Counting and creating in one store transaction is what keeps the limit: the
// second ask waits for the first (on PostgreSQL, the store-wide transaction lock every instance
// takes; on SQLite, the write lock), so the hold ends by itself after HOLD_MS.
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import { cardOf, cardText, startHarness, type Harness, type TeamsMember, type Turn } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const ken: TeamsMember = { id: '29:kmyer', name: 'Ken Myer', userPrincipalName: 'ken.myer@contoso.com' };
const LIMIT = 2;
/** How long the first ask is held at most (the second ask, when it cannot run meanwhile, waits this long). */
const HOLD_MS = 1_000;

/** Holds the first ask after its count, until `release` or HOLD_MS. */
class CountHold {
  armed = false;
  held: Promise<void> | undefined;
  release: () => void = () => undefined;

  arm(): void {
    this.armed = true;
    this.held = undefined;
  }

  /** The store, with `requests.countSince` holding its first caller once armed. */
  decorate = (store: Store): Store => {
    const requests = store.requests;
    const held: Store['requests'] = Object.create(requests) as Store['requests'];
    held.countSince = async (...args) => {
      const count = await requests.countSince(...args);
      if (this.armed) {
        this.armed = false;
        this.held = new Promise<void>((resolve) => {
          this.release = resolve;
          setTimeout(resolve, HOLD_MS);
        });
        await this.held;
      }
      return count;
    };
    return new Proxy(store, { get: (target, property, receiver) => (property === 'requests' ? held : Reflect.get(target, property, receiver)) });
  };
}

const said = (turn: Turn): string => turn.sent.map((s) => `${s.activity.text ?? ''} ${cardText(cardOf(s))}`).join('\n');

eachStoreDialect((dialect) => {
  describe('the daily request limit when asks race', () => {
    let h: Harness | undefined;
    afterEach(async () => h?.stop());

    it(`an ask held between its count and its insert, while another ask is made and withdrawn: ${LIMIT} requests, not ${LIMIT + 1}`, async () => {
      const hold = new CountHold();
      h = await startHarness({ REQUESTS_PER_DAY: String(LIMIT), ...(await databaseEnv(dialect)) }, { decorateStore: hold.decorate });
      const chat = h.teams(ken);
      // One short of the limit.
      await chat.say('reset my pin - first');
      await chat.say('cancel my request');
      hold.arm();
      const first = chat.say('reset my pin - held');
      while (!hold.held) await new Promise((resolve) => setTimeout(resolve, 5));
      // Meanwhile (elsewhere): another ask, withdrawn at once. It finishes before the held one
      // goes on unless the held one's count keeps it waiting.
      const other = (async () => {
        const asked = await chat.say('reset my pin - other');
        await chat.say('cancel my request');
        return asked;
      })();
      const settled = await Promise.race([other.then(() => 'other first'), hold.held.then(() => 'hold ended')]);
      hold.release();
      expect((await Promise.all([first, other])).map((t) => t.status)).toEqual([200, 200]);
      const requests = await h.rows('select reason, state from pin_requests order by created_at');
      console.log(`${dialect}: ${settled}; requests ${JSON.stringify(requests)}`);
      // The two racing asks made one request between them: the day's count is the limit.
      expect(requests).toHaveLength(LIMIT);
      await chat.say('cancel my request');
      expect(said(await chat.say('reset my pin - once more'))).toMatch(/made 2 PIN requests in the last 24 hours/);
    });
  });
});
