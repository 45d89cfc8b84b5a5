// The desk with its policies on the Skype for Business server (SfbPolicies over the real worker
// and the fake module): the policy commands act on the server, and where the server keeps the PIN
// history the help and the PIN-set card say so, and ignore-history is explained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerShellWorker } from '../../src/adapters/sfb/powershell-worker.js';
import { SfbPolicies } from '../../src/adapters/sfb/sfb-policies.js';
import { helpText, SERVER_HISTORY_HELP } from '../../src/cards/help-text.js';
import { pinSetCard } from '../../src/cards/pin-set-card.js';
import { deskFixture, type DeskFixture } from '../support/desk-fixture.js';
import { ofKind, succeeds } from '../support/desk-expect.js';
import { cardText } from '../support/harness.js';
import { FakeSfb, pwshAvailable } from '../support/sfb/pwsh.js';

describe.runIf(pwshAvailable())('the desk with policies on the Skype for Business server', () => {
  let fake: FakeSfb;
  let worker: PowerShellWorker;
  let f: DeskFixture;
  beforeAll(async () => {
    fake = new FakeSfb();
    worker = fake.worker();
    await worker.start();
    f = await deskFixture({ policies: new SfbPolicies(worker) });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
    await fake?.dispose();
  });

  it('policy commands change the server, not PinDesk\'s table; each audited as before', async () => {
    const created = await succeeds(f, () => f.desk.handleText(f.turn('anne'), 'new pin policy site:Redmond min 6 history 3'));
    expect(ofKind(created.result, 'policy-changed')).toMatchObject({ change: 'created', identity: 'site:Redmond' });
    expect(created.record).toMatchObject({ action: 'new-policy', outcome: 'ok', reason: expect.stringContaining('"MinPasswordLength":[null,6]') });
    expect(fake.state().policies.find((p: { Identity: string }) => p.Identity === 'Site:Redmond')).toMatchObject({ MinPasswordLength: 6, PINHistoryCount: 3 });
    expect(JSON.stringify(await f.store.db.selectFrom('pin_policies').selectAll().execute())).not.toContain('Redmond');
    expect(await f.store.db.selectFrom('policy_grants').selectAll().execute()).toEqual([]);
    const ken = ofKind(await f.desk.handleText(f.turn('vera'), 'pin policy Ken Myer'), 'policy');
    expect(ken).toMatchObject({ policy: { identity: 'site:Redmond', minPasswordLength: 6 }, source: 'site' });
    const reset = ofKind(await f.desk.handleText(f.turn('anne'), 'remove pin policy Global'), 'policy-changed');
    expect(reset).toMatchObject({ change: 'reset', identity: 'Global' });
    expect(fake.calls().map((c) => c.cmdlet)).toContain('Remove-CsPinPolicy');
  });

  it('help tells those who set PINs that the server keeps the history; others are not told', async () => {
    const pilar = ofKind(await f.desk.handleText(f.turn('pilar'), 'help'), 'help');
    expect(pilar.historyBy).toBe('server');
    expect(helpText(pilar.caller, pilar)).toContain(SERVER_HISTORY_HELP);
    const vera = ofKind(await f.desk.handleText(f.turn('vera'), 'help'), 'help');
    expect(vera.historyBy).toBeUndefined();
    expect(helpText(vera.caller, vera)).not.toContain('PIN history');
  });

  it('the PIN-set card says who keeps the history; ignore-history is accepted and explained', async () => {
    const plain = ofKind(await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194'), 'pin-set');
    expect(plain.details).toMatchObject({ historyBy: 'server', ignoreHistoryAsked: false, policyIdentity: 'site:Redmond' });
    const plainText = cardText(pinSetCard(plain.details, plain.revealRef, plain.revealExpiresAt, { shown: 'hidden' }));
    expect(plainText).toContain('PIN history: not checked by PinDesk. The Skype for Business server keeps it and skips it for a PIN an administrator sets.');
    expect(plainText).not.toContain('ignore-history');
    const forced = ofKind(await f.desk.handleText(f.turn('pilar'), 'set pin Ken Myer 730194 ignore-history'), 'pin-set');
    expect(forced.details).toMatchObject({ historyBy: 'server', ignoreHistoryAsked: true });
    expect(cardText(pinSetCard(forced.details, forced.revealRef, forced.revealExpiresAt, { shown: 'hidden' }))).toContain('`ignore-history` changed nothing.');
    // Nor does the audit record claim an override.
    const [last] = await f.store.audit.recent({ limit: 1 });
    expect(last).toMatchObject({ action: 'set-pin', outcome: 'ok', reason: 'manual' });
  });
});
