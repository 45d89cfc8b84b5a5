// A PIN card whose post is slow — the Bot Connector takes several leases to answer — while the
// instance sending it stays alive: the sender renews the record's lease while its post runs, so the
// other instance's delivery timer leaves the card alone and it is posted exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member, startInstances, waitFor, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const LEASE_MS = 2_000;
/** The connector answers the card's post only after this long: more than two leases. */
const SLOW_MS = 7_000;
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const PILARS_CHAT = 'personal:29:pilar';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(postgresAvailable())('a slow PIN card post across instances (separate processes)', () => {
  let m: Instances;
  beforeAll(async () => {
    m = await startInstances({ DELIVERY_LEASE: `${LEASE_MS / 1000}s` });
  }, 120_000);
  afterAll(async () => m?.stop());

  const pinCards = () =>
    m.connector.activities.filter((a) => a.conversationId === PILARS_CHAT && a.kind === 'send' && (a.activity.attachments ?? []).length > 0 && JSON.stringify(a.activity).includes('PIN set for Ken Myer'));

  it('is posted once: the live sender keeps its lease; the other instance does not post it again', async () => {
    m.connector.fail({ match: (method, path, body) => method === 'POST' && path.startsWith(`/v3/conversations/${PILARS_CHAT}/activities`) && JSON.stringify(body ?? {}).includes('PIN set for'), slow: SLOW_MS, times: 1 });
    const turn = await m.a.teams(pilar).say('set pin Ken Myer');
    // The turn answered within its own deadline; the post runs on.
    expect(turn.sent.map((s) => s.activity.text ?? '').join('\n')).toMatch(/couldn't post the card yet/);
    expect(await m.rows('select state, attempts from deliveries')).toEqual([{ state: 'pending', attempts: 1 }]);
    await waitFor('the slow post to land', () => pinCards().length > 0, SLOW_MS + 10_000);
    // Both instances' delivery timers run every 2 s: give them several rounds past the slow answer.
    await sleep(3 * LEASE_MS);
    expect(pinCards()).toHaveLength(1);
    expect(await m.rows('select state, attempts from deliveries')).toEqual([{ state: 'delivered', attempts: 1 }]);
    expect(await m.count("select count(*) n from audit where action = 'pin-card-delivered' and outcome = 'ok'")).toBe(1);
  }, 60_000);
});
