// A self-service request that travels between two PinDesk processes behind a load balancer with
// nothing sticky: asked on A, approved on B, its PIN card revealed on A — and the revealed PIN is
// the one both instances check at logon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, cardOf, cardText, invokeCard } from '../../support/harness.js';
import { APPROVALS, approvalsChannel, askForReset, member, pinCardsTo, pinOnCard, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const KEY = 'multi-instance-verify-key-0123456789';
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');

describe.runIf(postgresAvailable())('one request across two instances (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ VERIFY_API_KEYS: KEY, VERIFY_ANSWERS: 'detailed' });
    await approvalsChannel(m.b, anne);
  }, 120_000);
  afterAll(async () => m?.stop());

  it('asked on A, approved on B, revealed on A; the PIN verifies on both', async () => {
    const approval = await askForReset(m, m.a, ken);
    const from = m.connector.activities.length;
    const approved = await m.b.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
    expect(cardText(invokeCard(approved))).toMatch(/Approved by Pilar Ackerman/);
    const [pinCard] = await waitFor('the PIN card', () => {
      const cards = pinCardsTo(m.connector, 'personal:29:kmyer', from);
      return cards.length > 0 && cards;
    });
    // The card itself never carries the PIN; Reveal, pressed on the other instance, opens it.
    const card = cardOf(pinCard);
    expect(pinOnCard(card)).toBeUndefined();
    const revealed = await m.a.teams(ken).execute(action(card, 'Reveal PIN'));
    const pin = pinOnCard(invokeCard(revealed));
    expect(pin).toMatch(/^\d{5,}$/);
    expect((await m.a.verify({ line: '+14255550100', pin }, KEY)).json.result).toBe('ok');
    expect((await m.b.verify({ line: '+14255550100', pin }, KEY)).json.result).toBe('ok');
    // Ken's own request card, on A, shows B's decision.
    const status = await m.a.teams(ken).say('my requests');
    expect(status.sent.map((s) => cardText(cardOf(s)) + (s.activity.text ?? '')).join('\n')).toMatch(/Approved by Pilar Ackerman/);
    expect(await m.count("select count(*) n from audit where action = 'request-approved'")).toBe(1);
    expect(pinCardsTo(m.connector, 'personal:29:kmyer', from)).toHaveLength(1);
  });
});
