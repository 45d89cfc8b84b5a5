// Two PinDesk instances on one PostgreSQL database and one fake Bot Connector (in one test process,
// each with its own server, pool and timers): an Approve pressed on both at the same moment decides
// once, sets one PIN and sends one card, round after round; a request created on one instance is
// approved on the other and revealed on the first. Separate processes, kill -9 and the outbox
// take-over: test/e2e/multi-instance/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard, startHarness, type Harness, type Instance, type TeamsMember } from '../support/harness.js';
import { postgresAvailable } from '../support/postgres.js';
import { databaseEnv, stopPostgresCluster } from '../support/store.js';

const ROUNDS = 40;
const member = (sam: string, name: string, upn: string): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const APPROVALS = '19:approvals@thread.tacv2';
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

describe.runIf(postgresAvailable())('two instances on one PostgreSQL', () => {
  let a: Harness;
  let b: Instance;
  beforeAll(async () => {
    a = await startHarness({ ...(await databaseEnv('postgres')), REQUESTS_PER_DAY: '100', DECISIONS_PER_MINUTE: '1000' });
    b = await a.addInstance();
    const turn = await a.teams(anne, { type: 'channel', id: APPROVALS }).say('<at>PinDesk</at> approvals here', { entities: [mention] });
    expect(turn.sent[0]!.activity.text).toMatch(/Approval requests will be posted in this conversation/);
  });
  afterAll(async () => {
    await a?.stop();
    await stopPostgresCluster();
  });

  const idle = () => Promise.all([a.app.idle(), b.app.idle()]);
  const count = async (sql: string, ...params: unknown[]) => (await a.rows(sql, ...params))[0].n as number;
  const askOnA = async () => {
    const turn = await a.teams(ken).say('reset my pin - new phone');
    return cardOf(turn.sent.find((s) => s.conversationId === APPROVALS && s.kind === 'send'));
  };

  it(`Approve pressed on both instances at the same moment: one decision, one PIN, one card (${ROUNDS} rounds)`, async () => {
    const kenId = await a.userId('kmyer');
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const approval = await askOnA();
      const ref = action(approval, 'Approve').data.ref;
      // The newest history id: one PIN set adds exactly one (the history itself is trimmed to 20).
      const history = await count('select max(id) n from pin_history where user_id = ?', kenId);
      const before = a.connector.activities.length;
      const presses = await Promise.all([
        a.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
        b.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
      ]);
      await idle();
      const answers = presses.map((press) => cardText(invokeCard(press)));
      // Both presses show the one decision, whoever made it.
      expect(answers[0]).toMatch(/Approved by (Pilar Ackerman|Anne Wallace)/);
      expect(answers[1]).toBe(answers[0]);
      outcomes.push(/Pilar/.test(answers[0]!) ? 'A' : 'B');
      expect(await count("select count(*) n from audit where action = 'request-approved' and reason like ?", `%${ref}`)).toBe(1);
      expect(await count('select max(id) n from pin_history where user_id = ?', kenId)).toBe((history ?? 0) + 1);
      expect(await count('select count(*) n from pin_history where user_id = ? and id > ?', kenId, history ?? 0)).toBe(1);
      const pinCards = a.connector.activities.slice(before).filter((s) => s.conversationId === 'personal:29:kmyer' && s.kind === 'send' && JSON.stringify(s.activity).includes('Your new dial-in PIN'));
      expect(pinCards).toHaveLength(1);
    }
    // Each instance won some rounds: the presses really raced.
    console.log(`approve races: ${ROUNDS} rounds, won by A ${outcomes.filter((o) => o === 'A').length}, by B ${outcomes.filter((o) => o === 'B').length}`);
  }, 120_000);

  it('a request created on A, approved on B, revealed on A', async () => {
    const approval = await askOnA();
    const before = a.connector.activities.length;
    const approved = await b.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
    await idle();
    expect(cardText(invokeCard(approved))).toMatch(/Approved by Pilar Ackerman/);
    const pinCard = a.connector.activities.slice(before).find((s) => s.conversationId === 'personal:29:kmyer' && s.kind === 'send' && cardOf(s));
    expect(cardText(cardOf(pinCard))).toContain('Your new dial-in PIN');
    const revealed = await a.teams(ken).execute(action(cardOf(pinCard), 'Reveal PIN'));
    expect(pinOnCard(invokeCard(revealed))).toMatch(/^\d{5}$/);
  });
});
