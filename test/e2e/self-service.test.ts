// Self-service over HTTP: an end user asks, an approver decides in the approvals channel, the new
// PIN reaches the requester alone. Real server, SQLite and PostgreSQL, demo directory, fake Bot
// Connector.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPinAcceptable } from '../../src/domain/pin-rules.js';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import { action, actionsOf, cardOf, cardText, invokeCard, startHarness, type Chat, type Harness, type TeamsMember, type Turn } from '../support/harness.js';
import { Pauses, pausingStore } from '../support/pausing-store.js';
import { databaseEnv, eachStoreDialect, type StoreDialect } from '../support/store.js';

const member = (sam: string, name: string, upn: string): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });
const ken = member('kmyer', 'Ken Myer', 'ken.myer@contoso.com');
const kenMeyer = member('kmeyer', 'Ken Meyer', 'ken.meyer@contoso.com');
const pilar = member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com');
const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
const chris = member('chris', 'Chris Cannon', 'chris.cannon@contoso.com');
const APPROVALS = '19:approvals@thread.tacv2';
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };

const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

function dbRows(h: Harness, sql: string, ...params: unknown[]): Promise<any[]> {
  return h.rows(sql, ...params);
}

/** Races arm these so that concurrent presses all read before any of them writes. */
const pauses = new Pauses();

async function setUp(dialect: StoreDialect, env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ ...env, ...(await databaseEnv(dialect)) }, { decorateStore: (store) => pausingStore(store, pauses) });
  const room = h.teams(anne, { type: 'channel', id: APPROVALS });
  const turn = await room.say('<at>PinDesk</at> approvals here', { entities: [mention] });
  expect(turn.sent[0]!.activity.text).toMatch(/Approval requests will be posted in this conversation/);
  return h;
}

/** The approval card the request posted in the approvals channel. */
function approvalCardIn(turn: Turn): any {
  const posted = turn.sent.find((s) => s.conversationId === APPROVALS && s.kind === 'send');
  return cardOf(posted);
}

async function request(h: Harness, who: TeamsMember, text = 'reset my pin - new phone'): Promise<{ requester: Chat; turn: Turn; requesterCard: any; approval: any }> {
  const requester = h.teams(who);
  const turn = await requester.say(text);
  const requesterCard = cardOf(turn.sent.find((s) => s.conversationId === `personal:${who.id}`));
  return { requester, turn, requesterCard, approval: approvalCardIn(turn) };
}

eachStoreDialect((dialect) => {
  // Every test starts its own server (a fresh store, the clock at 27 Nov 2026 10:00 UTC), so each
  // runs alone, in any order.
  describe('self-service PIN requests', () => {
    let h: Harness;
    beforeEach(async () => {
      // Many requests per user here; the daily limit has its own test below.
      h = await setUp(dialect, { REQUESTS_PER_DAY: '50' });
    });
    afterEach(async () => h?.stop());

    it('reset: request → approval in the channel → PIN to the requester alone → reveal', async () => {
      const { requester, requesterCard, approval } = await request(h, ken);
      expect(cardText(requesterCard)).toContain('Your request to reset your dial-in PIN');
      expect(cardText(requesterCard)).toContain('Waiting for approval');
      expect(actionsOf(requesterCard).map((a) => a.title)).toEqual(['Cancel request']);
      const approvalText = cardText(approval);
      expect(approvalText).toContain('Ken Myer asks to reset their dial-in PIN');
      expect(approvalText).toContain('Reason: new phone');
      expect(approvalText).toContain('New PIN policy: Global');
      expect(actionsOf(approval).map((a) => a.title)).toEqual(['Approve', 'Deny']);
      expect(Object.keys(action(approval, 'Approve').data).sort()).toEqual(['ref', 'verb']);

      const before = h.connector.activities.length;
      const approved = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      expect(cardText(invokeCard(approved))).toMatch(/Approved by Pilar Ackerman at 27 Nov 2026 10:00 UTC/);
      const after = h.connector.activities.slice(before);
      const pinCard = after.find((s) => s.conversationId === 'personal:29:kmyer' && s.kind === 'send' && cardOf(s));
      expect(cardText(cardOf(pinCard))).toContain('Your new dial-in PIN');
      expect(pinOnCard(cardOf(pinCard))).toBeUndefined();
      const updates = after.filter((s) => s.kind === 'update');
      expect(updates.map((u) => u.conversationId).sort()).toEqual([APPROVALS, 'personal:29:kmyer'].sort());
      for (const update of updates) expect(cardText(cardOf(update))).toContain('Approved by Pilar Ackerman');

      // The approver cannot reveal it; the requester can.
      const stolen = await h.teams(pilar).execute(action(cardOf(pinCard), 'Reveal PIN'));
      expect(stolen.body.value).toMatch(/This card is for Ken Myer only/);
      const revealed = await requester.execute(action(cardOf(pinCard), 'Reveal PIN'));
      const pin = pinOnCard(invokeCard(revealed))!;
      expect(isPinAcceptable(pin, { policy: GLOBAL_DEFAULTS, phone: phoneNumberOf('tel:+14255550100') })).toBe(true);
      expect(actionsOf(invokeCard(revealed)).map((a) => a.title)).toEqual(['Hide PIN']);

      // Nothing sent to the approvers' conversation, nor answered to an approver, holds the PIN.
      const toApprovers = h.connector.activities.filter((s) => s.conversationId === APPROVALS).map((s) => JSON.stringify(s.activity));
      expect(toApprovers.join('\n')).not.toContain(pin);
      expect(JSON.stringify(approved.body)).not.toContain(pin);
      expect(JSON.stringify(stolen.body)).not.toContain(pin);

      const audit = await dbRows(h, "select action, outcome, actor from audit where action like 'request-%' or action = 'reveal' order by id");
      expect(audit.map((r) => `${r.action}:${r.outcome}`)).toEqual(['request-created:ok', 'request-approved:ok', 'request-delivered:ok', 'reveal:refused', 'reveal:ok']);
    });

    it('unlock: approving unlocks the PIN and tells the requester', async () => {
      await h.teams(anne).say('lock pin Ken Meyer');
      const { approval } = await request(h, kenMeyer, 'unlock my pin');
      expect(cardText(approval)).toContain('PIN locked: Yes');
      const before = h.connector.activities.length;
      await h.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      const told = h.connector.activities.slice(before).find((s) => s.conversationId === 'personal:29:kmeyer' && s.activity.text);
      expect(told?.activity.text).toMatch(/Your dial-in PIN is unlocked \(approved by Anne Wallace\)/);
      expect(cardText(cardOf((await h.teams(anne).say('pin status Ken Meyer')).sent[0]))).toContain('IsLockedOut: No');
    });

    it('deny with a reason: the requester gets the reason; the cards say so', async () => {
      const { approval } = await request(h, ken, 'reset my pin');
      const deny = action(approval, 'Deny');
      const before = h.connector.activities.length;
      const denied = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute({ ...deny, data: { ...deny.data, note: 'call the helpdesk, please' } });
      expect(cardText(invokeCard(denied))).toContain('Denied by Pilar Ackerman at 27 Nov 2026 10:00 UTC: call the helpdesk, please');
      const sent = h.connector.activities.slice(before);
      expect(sent.find((s) => s.conversationId === 'personal:29:kmyer' && s.activity.text)?.activity.text).toBe('Your request was denied by Pilar Ackerman: call the helpdesk, please');
      expect(sent.some((s) => s.conversationId === 'personal:29:kmyer' && JSON.stringify(s.activity).includes('Your new dial-in PIN'))).toBe(false);
    });

    it('one pending request at a time; cancel withdraws it and updates the approvers', async () => {
      const first = await request(h, ken, 'reset my pin');
      const second = await request(h, ken, 'unlock my pin');
      expect(second.approval).toBeUndefined();
      expect(action(second.requesterCard, 'Cancel request').data.ref).toBe(action(first.requesterCard, 'Cancel request').data.ref);

      const before = h.connector.activities.length;
      const cancelled = await first.requester.execute(action(first.requesterCard, 'Cancel request'));
      expect(cardText(invokeCard(cancelled))).toContain('Cancelled by the requester');
      const approverUpdate = h.connector.activities.slice(before).find((s) => s.conversationId === APPROVALS && s.kind === 'update');
      expect(cardText(cardOf(approverUpdate))).toContain('Cancelled by the requester');
      expect(actionsOf(cardOf(approverUpdate))).toEqual([]);

      // A press on the stale card gets the current state and changes nothing.
      const stale = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(first.approval, 'Approve'));
      expect(cardText(invokeCard(stale))).toContain('Cancelled by the requester');
      expect((await dbRows(h, "select state from pin_requests where id = ?", action(first.approval, 'Approve').data.ref))[0].state).toBe('cancelled');
    });

    it('self-approval and approvers without the role are refused; the request stays pending', async () => {
      const { approval } = await request(h, pilar, 'reset my pin');
      const room = (who: TeamsMember) => h.teams(who, { type: 'channel', id: APPROVALS });
      expect((await room(pilar).execute(action(approval, 'Approve'))).body.value).toMatch(/can't decide your own request/);
      expect((await room(chris).execute(action(approval, 'Approve'))).body.value).toMatch(/can't approve PIN requests: that needs CsAdministrator or CsUserAdministrator/);
      expect((await dbRows(h, 'select state from pin_requests where id = ?', action(approval, 'Approve').data.ref))[0].state).toBe('pending');
      await room(anne).execute(action(approval, 'Deny'));
    });

    it('two approvers pressing Approve at once produce one decision and one PIN', async () => {
      const { approval } = await request(h, ken, 'reset my pin');
      const ref = action(approval, 'Approve').data.ref;
      const kenId = await h.userId('kmyer');
      const historyBefore = (await dbRows(h, 'select count(*) n from pin_history where user_id = ?', kenId))[0].n;
      const before = h.connector.activities.length;
      // All three presses load the request (pending) before any of them decides.
      const overlap = pauses.arm('requests.get', 3);
      const presses = await Promise.all([
        h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
        h.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
        h.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
      ]);
      expect(await overlap.met).toBe(true);
      for (const press of presses) expect(cardText(invokeCard(press))).toMatch(/Approved by (Pilar Ackerman|Anne Wallace)/);
      expect((await dbRows(h, 'select count(*) n from pin_history where user_id = ?', kenId))[0].n).toBe(historyBefore + 1);
      const pinCards = h.connector.activities.slice(before).filter((s) => s.conversationId === 'personal:29:kmyer' && JSON.stringify(s.activity).includes('Your new dial-in PIN'));
      expect(pinCards).toHaveLength(1);
      expect((await dbRows(h, "select count(*) n from audit where action = 'request-approved' and reason like ?", `%${ref}`))[0].n).toBe(1);
    });

    it('the requester cancelling while an approver approves: one of them wins, and only its effects happen', async () => {
      const { requester, requesterCard, approval } = await request(h, ken, 'reset my pin');
      const ref = action(approval, 'Approve').data.ref;
      const kenId = await h.userId('kmyer');
      const historyBefore = (await dbRows(h, 'select count(*) n from pin_history where user_id = ?', kenId))[0].n;
      const before = h.connector.activities.length;
      const overlap = pauses.arm('requests.get', 2);
      const [cancelled, approved] = await Promise.all([
        requester.execute(action(requesterCard, 'Cancel request')),
        h.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve')),
      ]);
      expect(await overlap.met).toBe(true);
      const decisions = (await dbRows(h, "select action from audit where action in ('request-approved', 'request-cancelled') and reason like ?", `%${ref}`)).map((r) => r.action);
      expect(decisions).toHaveLength(1);
      const state = (await dbRows(h, 'select state from pin_requests where id = ?', ref))[0].state;
      expect(decisions[0]).toBe(state === 'approved' ? 'request-approved' : 'request-cancelled');
      const shown = state === 'approved' ? /Approved by Anne Wallace/ : /Cancelled by the requester/;
      expect(cardText(invokeCard(cancelled))).toMatch(shown);
      expect(cardText(invokeCard(approved))).toMatch(shown);
      const pinCards = h.connector.activities.slice(before).filter((s) => s.conversationId === 'personal:29:kmyer' && JSON.stringify(s.activity).includes('Your new dial-in PIN'));
      expect(pinCards).toHaveLength(state === 'approved' ? 1 : 0);
      expect((await dbRows(h, 'select count(*) n from pin_history where user_id = ?', kenId))[0].n).toBe(historyBefore + (state === 'approved' ? 1 : 0));
    });

    it('"reset my pin" sent twice at once makes one request and one approval card', async () => {
      const kendra = member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com');
      const requester = h.teams(kendra);
      const before = h.connector.activities.length;
      // Both turns find no pending request before either creates one.
      const overlap = pauses.arm('requests.pendingOf', 2);
      const turns = await Promise.all([requester.say('reset my pin'), requester.say('reset my pin')]);
      expect(await overlap.met).toBe(true);
      const kendraId = await h.userId('kendra');
      expect((await dbRows(h, "select count(*) n from pin_requests where requester_id = ? and state = 'pending'", kendraId))[0].n).toBe(1);
      const refs = turns.map((t) => action(cardOf(t.sent.find((s) => s.conversationId === 'personal:29:kendra')), 'Cancel request').data.ref);
      expect(refs[0]).toBe(refs[1]);
      expect(h.connector.activities.slice(before).filter((s) => s.conversationId === APPROVALS && s.kind === 'send')).toHaveLength(1);
      await requester.say('cancel my request');
    });

    it('a restart between approval and reveal loses nothing', async () => {
      const { requester, approval } = await request(h, ken, 'reset my pin');
      const before = h.connector.activities.length;
      await h.teams(anne, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      const pinCard = cardOf(h.connector.activities.slice(before).find((s) => s.conversationId === 'personal:29:kmyer' && JSON.stringify(s.activity).includes('Your new dial-in PIN')));
      await h.restart();
      expect(pinOnCard(invokeCard(await requester.execute(action(pinCard, 'Reveal PIN'))))).toMatch(/^\d{5}$/);
    });

    it('requests expire after REQUEST_TTL, driven by the store (also across a restart), exactly once', async () => {
      const { approval } = await request(h, kenMeyer, 'reset my pin - lost it');
      const ref = action(approval, 'Approve').data.ref as string;
      await h.restart();
      h.clock.advance(24 * 3_600_000 + 1);
      const before = h.connector.activities.length;
      // Several sweeps at once (the timer on several instances): one expiry, each card redrawn once.
      await Promise.all([h.app.sweep(), h.app.sweep(), h.app.sweep()]);
      const sent = h.connector.activities.slice(before);
      const updates = sent.filter((s) => s.kind === 'update');
      expect(updates.map((u) => u.conversationId).sort()).toEqual([APPROVALS, 'personal:29:kmeyer'].sort());
      for (const update of updates) expect(cardText(cardOf(update))).toContain('Expired');
      const told = sent.filter((s) => s.conversationId === 'personal:29:kmeyer' && s.activity.text);
      expect(told.map((s) => s.activity.text)).toEqual([expect.stringMatching(/expired before anyone decided/)]);
      expect(sent).toHaveLength(3);
      const stale = await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
      expect(cardText(invokeCard(stale))).toContain('Expired');
      // A later sweep finds nothing to do.
      const afterFirst = h.connector.activities.length;
      await h.app.sweep();
      expect(h.connector.activities.length).toBe(afterFirst);
      expect((await dbRows(h, "select state from pin_requests where id = ?", ref))[0].state).toBe('expired');
      expect((await dbRows(h, "select request_id from audit where action = 'request-expired'"))).toEqual([{ request_id: ref }]);
    });

    it('asking again after a request timed out (before the sweep) expires the old one and redraws its cards', async () => {
      const jeff = member('jsmith', 'Jeff Smith', 'jeff.smith@contoso.com');
      const first = await request(h, jeff, 'reset my pin');
      h.clock.advance(24 * 3_600_000 + 1);
      const again = await request(h, jeff, 'reset my pin');
      const oldRef = action(first.approval, 'Approve').data.ref;
      expect(action(again.approval, 'Approve').data.ref).not.toBe(oldRef);
      const redrawn = again.turn.sent.filter((s) => s.kind === 'update' && s.activityId === h.connector.activities.find((a) => a.conversationId === APPROVALS && JSON.stringify(a.activity).includes(oldRef))?.activityId);
      expect(redrawn.length).toBe(1);
      expect(cardText(cardOf(redrawn[0]))).toContain('Expired');
      expect((await dbRows(h, 'select state from pin_requests where id = ?', oldRef))[0].state).toBe('expired');
      // Expired once, here; the sweep that comes later has nothing left to expire or redraw.
      const before = h.connector.activities.length;
      await h.app.sweep();
      expect(h.connector.activities.length).toBe(before);
      expect((await dbRows(h, "select request_id from audit where action = 'request-expired'"))).toEqual([{ request_id: oldRef }]);
      await again.requester.execute(action(again.requesterCard, 'Cancel request'));
    });

    it('lists: my requests, pending requests; refuses those who cannot dial in or are not enabled', async () => {
      const earlier = await request(h, ken, 'reset my pin');
      await h.teams(pilar, { type: 'channel', id: APPROVALS }).execute(action(earlier.approval, 'Approve'));
      const mine = cardText(cardOf((await h.teams(ken).say('my requests')).sent[0]));
      expect(mine).toContain('Your recent PIN requests');
      expect(mine).toMatch(/Approved by/);
      await request(h, ken, 'reset my pin - travelling');
      const pending = cardOf((await h.teams(pilar).say('requests')).sent[0]);
      expect(cardText(pending)).toContain('Ken Myer: reset');
      expect(actionsOf(pending).map((a) => a.title)).toEqual(['Approve', 'Deny']);
      expect((await h.teams(chris).say('requests')).sent[0]!.activity.text).toMatch(/can't approve PIN requests/);
      expect((await h.emulator('nlane').say('reset my pin')).sent[0]!.activity.text).toMatch(/no SIP address or phone number/);
      expect((await h.emulator('mhanson').say('reset my pin')).sent[0]!.activity.text).toMatch(/not enabled for Skype for Business/);
      expect((await h.emulator('nobody').say('reset my pin')).sent[0]!.activity.text).toMatch(/not in the directory/);
      expect((await h.teams(ken, { type: 'channel', id: '19:general@thread.tacv2' }).say('<at>PinDesk</at> reset my pin', { entities: [mention] })).sent[0]!.activity.text).toMatch(/only send PINs in a 1:1 chat/);
      expect((await h.teams(pilar, { type: 'channel', id: '19:other@thread.tacv2' }).say('<at>PinDesk</at> approvals here', { entities: [mention] })).sent[0]!.activity.text).toMatch(/can't choose where approval requests go/);
    });
  });

  describe('limits', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await setUp(dialect, { REQUESTS_PER_DAY: '2', DECISIONS_PER_MINUTE: '2' });
    });
    afterEach(async () => h?.stop());

    it('requests per user per day', async () => {
      const first = await request(h, ken, 'reset my pin');
      await first.requester.execute(action(first.requesterCard, 'Cancel request'));
      const second = await request(h, ken, 'reset my pin');
      await second.requester.execute(action(second.requesterCard, 'Cancel request'));
      expect((await h.teams(ken).say('reset my pin')).sent[0]!.activity.text).toMatch(/made 2 PIN requests in the last 24 hours/);
    });

    it('the daily limit counts the last 24 hours: still refused after 2 minutes and after 23 h 59 min', async () => {
      const MINUTE = 60_000;
      const refused = async () => expect((await h.teams(ken).say('reset my pin')).sent[0]!.activity.text).toMatch(/made 2 PIN requests in the last 24 hours/);
      const askAndCancel = async () => {
        const asked = await request(h, ken, 'reset my pin');
        expect(cardText(asked.requesterCard)).toContain('Waiting for approval');
        await asked.requester.execute(action(asked.requesterCard, 'Cancel request'));
      };
      await askAndCancel(); // at 10:00
      h.clock.advance(MINUTE);
      await askAndCancel(); // at 10:01
      h.clock.advance(2 * MINUTE); // 10:03
      await refused();
      h.clock.advance(24 * 60 * MINUTE - 4 * MINUTE); // 09:59 the next day: both still inside
      await refused();
      h.clock.advance(MINUTE); // 10:00: the first is exactly 24 h old, still counted
      await refused();
      h.clock.advance(1); // just past it: only the 10:01 request counts
      await askAndCancel();
      await refused(); // the 10:01 request and this one
      h.clock.advance(MINUTE); // the 10:01 request is past 24 h now
      await askAndCancel();
    });

    it('approve/deny presses per approver per minute', async () => {
      const approvals = [];
      for (const who of [kenMeyer, member('kendra', 'Kendra Sato', 'kendra.sato@contoso.com'), member('jsmith', 'Jeff Smith', 'jeff.smith@contoso.com')]) {
        approvals.push((await request(h, who, 'reset my pin')).approval);
      }
      const room = h.teams(pilar, { type: 'channel', id: APPROVALS });
      await room.execute(action(approvals[0], 'Deny'));
      await room.execute(action(approvals[1], 'Deny'));
      expect((await room.execute(action(approvals[2], 'Deny'))).body.value).toMatch(/more than 2 decisions in a minute/);
      h.clock.advance(61_000);
      expect(cardText(invokeCard(await room.execute(action(approvals[2], 'Deny'))))).toContain('Denied by Pilar Ackerman');
    });
  });

  describe('in the Emulator (Action.Submit)', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(await databaseEnv(dialect));
    });
    afterEach(async () => h?.stop());

    it('the whole flow with Submit clicks and in-place updates', async () => {
      expect((await h.emulator('anne', 'emulator-approvals').say('approvals here')).sent[0]!.activity.text).toMatch(/will be posted in this conversation/);
      const ask = await h.emulator('kmyer').say('reset my pin - forgot it');
      const approvalSent = ask.sent.find((s) => s.conversationId === 'emulator-approvals')!;
      const approval = cardOf(approvalSent);
      const approve = await h.emulator('pilar', 'emulator-approvals').submit(action(approval, 'Approve'));
      // Proactive sends and updates reply to nothing: Web Chat would hold each one 5 s waiting for
      // the random id botbuilder gives a continuation turn (src/chat/proactive-turns.ts). A turn's
      // own replies keep their replyToId.
      const proactive = [...ask.sent.filter((s) => s.conversationId === 'emulator-approvals'), ...approve.sent.filter((s) => s.conversationId === 'emulator-kmyer')];
      expect(proactive.map((s) => s.kind).sort()).toEqual(['send', 'send', 'update']);
      for (const s of proactive) expect(s.activity.replyToId).toBeUndefined();
      expect(approve.sent.find((s) => s.conversationId === 'emulator-approvals' && s.kind === 'send')?.activity.replyToId).toBeDefined();
      const pinCardSent = approve.sent.find((s) => s.conversationId === 'emulator-kmyer' && s.kind === 'send' && cardOf(s));
      // The approval card itself is redrawn, once, saying who approved.
      const redrawn = approve.sent.filter((s) => s.conversationId === 'emulator-approvals' && s.kind === 'update');
      expect(redrawn.map((s) => s.activityId)).toEqual([approvalSent.activityId]);
      expect(cardText(cardOf(redrawn[0]))).toContain('Approved by Pilar Ackerman');
      expect(approve.sent.find((s) => s.conversationId === 'emulator-approvals' && s.kind === 'send')?.activity.text).toMatch(/Request from Ken Myer: Approved by Pilar Ackerman/);
      const revealed = await h.emulator('kmyer').submit(action(cardOf(pinCardSent), 'Reveal PIN'));
      expect(revealed.sent[0]).toMatchObject({ kind: 'update', activityId: pinCardSent!.activityId });
      expect(pinOnCard(cardOf(revealed.sent[0]))).toMatch(/^\d{5}$/);
    });

    it('an approver can decide from the `requests` list in their own chat', async () => {
      await h.emulator('kmeyer').say('unlock my pin');
      const list = cardOf((await h.emulator('pilar').say('requests')).sent[0]);
      const approved = await h.emulator('pilar').submit(action(list, 'Approve'));
      expect(approved.sent.find((s) => s.conversationId === 'emulator-pilar')?.activity.text).toMatch(/Request from Ken Meyer: Approved by Pilar Ackerman/);
      expect(approved.sent.find((s) => s.conversationId === 'emulator-kmeyer' && s.activity.text)?.activity.text).toMatch(/Your dial-in PIN is unlocked/);
    });
  });

  describe('approvers in APPROVERS get the card in their 1:1 chat', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness({ APPROVERS: 'anne.wallace@contoso.com, pilar.ackerman@contoso.com', ...(await databaseEnv(dialect)) });
    });
    afterEach(async () => h?.stop());

    it('once they have written to PinDesk; never the requester themself', async () => {
      await h.teams(anne).say('help');
      const ask = await h.teams(pilar).say('reset my pin');
      // Anne gets it in her 1:1 chat; Pilar, the requester, does not get her own approval card.
      const toAnne = ask.sent.find((s) => s.conversationId === 'personal:29:anne');
      expect(cardText(cardOf(toAnne))).toContain('Pilar Ackerman asks to reset their dial-in PIN');
      // Teams proactive messages are sent as before (replyToId kept); only other channels drop it.
      expect(toAnne?.activity.replyToId).toBeDefined();
      expect(ask.sent.filter((s) => s.conversationId === 'personal:29:pilar' && JSON.stringify(s.activity).includes('asks to reset'))).toHaveLength(0);
      const approved = await h.teams(anne).execute(action(cardOf(toAnne), 'Approve'));
      expect(cardText(invokeCard(approved))).toContain('Approved by Anne Wallace');
    });
  });
});
